using System.Reflection;
using Xunit.v3;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>
/// Around each integration test: tells <see cref="ErrorLogWatch"/> which test is running, and afterwards fails the
/// test when a resource logged an error during it that no test expected. What arrives outside a test fails the run
/// when the stack stops (<see cref="ReferralsApp.DisposeAsync"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class NameTheRunningTestAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest, IXunitTest test) =>
        ErrorLogWatch.RunningTest = test.TestCase.TestCollection.TestCollectionDisplayName == IntegrationTier.Name
            ? test.TestDisplayName
            : null;

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var running = ErrorLogWatch.RunningTest;
        ErrorLogWatch.RunningTest = null;
        if (running is not null && ErrorLogWatch.OfTheRunningStack?.TakeUnexpected(running) is { Count: > 0 } unexpected)
            throw new UnexpectedErrorLogsException(ErrorLogWatch.Describe(unexpected));
    }
}
