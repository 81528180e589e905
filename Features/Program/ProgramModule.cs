using Marten;

namespace Referrals.Service.Features.Program;

public static class ProgramModule
{
    public static WebApplicationBuilder AddProgram(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<ProgramSettings>().MultiTenanted()); // id = tenant id = shop_id
        return builder;
    }
}
