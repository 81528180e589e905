extern alias service;

using service::Referrals.Service.Auth;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Auth;

[Trait("Tier", "Unit")]
public sealed class CallerIdentityTests
{
    private static readonly Guid Shop = Guid.Parse("6f1c2a4e-9d3b-4c5a-8e7f-112233445566");
    private static readonly Guid OtherShop = Guid.Parse("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    private static readonly Guid Customer = Guid.Parse("1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5");
    private static readonly Guid OtherCustomer = Guid.Parse("2d3e4f5a-6b7c-4d8e-9fa0-b1c2d3e4f5a6");

    [Theory]
    [InlineData(CallerIdentity.MerchantView, true, true)]
    [InlineData(CallerIdentity.CustomerView, true, false)]
    [InlineData(CallerIdentity.MerchantAdmin, false, false)]
    [InlineData("", false, false)]
    public void Who_may_see_a_referral_of_their_shop_follows_the_scope(string scope, bool ownReferral, bool othersReferral)
    {
        var caller = Caller(Shop, scope, Customer);

        var (own, others) = (caller.MaySee(Shop, Customer), caller.MaySee(Shop, OtherCustomer));

        (own, others).ShouldBe((ownReferral, othersReferral));
    }

    [Theory]
    [InlineData(CallerIdentity.MerchantView)]
    [InlineData(CallerIdentity.CustomerView)]
    public void No_scope_lets_a_caller_see_a_referral_of_another_shop(string scope)
    {
        var caller = Caller(Shop, scope, Customer);

        var maySee = caller.MaySee(OtherShop, Customer);

        maySee.ShouldBeFalse();
    }

    [Fact]
    public void A_customer_token_without_a_customer_sees_no_customers_referral()
    {
        var caller = Caller(Shop, CallerIdentity.CustomerView, customerId: null);

        var maySee = caller.MaySee(Shop, Customer);

        maySee.ShouldBeFalse();
    }

    [Theory]
    [InlineData(CallerIdentity.MerchantView, true, false)]
    [InlineData(CallerIdentity.MerchantAdmin, false, true)]
    [InlineData(CallerIdentity.CustomerView, false, false)]
    public void A_merchant_and_a_merchant_admin_of_a_shop_are_told_apart_by_scope(string scope, bool merchant, bool admin)
    {
        var caller = Caller(Shop, scope, customerId: null);

        var (isMerchant, isAdmin) = (caller.IsMerchantOf(Shop), caller.IsMerchantAdminOf(Shop));

        (isMerchant, isAdmin).ShouldBe((merchant, admin));
    }

    [Fact]
    public void A_merchant_and_admin_of_one_shop_is_neither_of_another_shop()
    {
        var caller = new CallerIdentity(Shop, new HashSet<string> { CallerIdentity.MerchantView, CallerIdentity.MerchantAdmin },
            null, "jti-1", DateTimeOffset.MaxValue);

        var (isMerchant, isAdmin) = (caller.IsMerchantOf(OtherShop), caller.IsMerchantAdminOf(OtherShop));

        (isMerchant, isAdmin).ShouldBe((false, false));
    }

    private static CallerIdentity Caller(Guid shopId, string scope, Guid? customerId) =>
        new(shopId, scope.Length == 0 ? new HashSet<string>() : new HashSet<string> { scope }, customerId, "jti-1", DateTimeOffset.MaxValue);
}
