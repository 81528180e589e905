namespace Referrals.Service.Features.Translations;

public static class TranslationsModule
{
    public static WebApplicationBuilder AddTranslations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LocalizedMessages>();
        return builder;
    }
}
