using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using Referrals.Service.Observability;
using Referrals.Service.Storage;

namespace Referrals.Service.Webhooks;

/// <summary>
/// Shopify waits 5 s for an answer and retries what is not a 2xx, so a webhook that cannot be accepted durably in time
/// is answered 503 <c>storage_unavailable</c> with a Retry-After, never left hanging and never 500. Every Shopify
/// webhook route (the routes under <see cref="WebhookRateLimits.PerIpPolicy"/>) runs under a deadline,
/// `Webhooks:AcceptTimeout` (2 s by default): the request's cancellation token fires when it passes and Npgsql gives
/// up on a cancelled command at once (the data source's cancellation timeout is off). A connection being opened to a
/// Postgres that has stopped answering does not notice the cancellation (it holds on for Npgsql's connect timeout),
/// so the 503 goes out shortly after the deadline whether the request has given up yet or not; the connect timeout
/// itself stays as configured, since a short one would fail slow but healthy connects too (the migration's, under
/// load). Nothing half-happens: the webhook's transaction either committed (the webhook is accepted and will act;
/// Shopify's retry is then a duplicate, answered 200) or it did not (503, nothing changed).
/// An outage the service is built to survive is a Warning, not an error.
/// </summary>
public sealed class WebhookAcceptDeadline(RequestDelegate next, IConfiguration configuration, ILogger<WebhookAcceptDeadline> logger)
{
    public const string TimeoutKey = "Webhooks:AcceptTimeout";
    public const string ErrorType = "storage_unavailable";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Seconds Shopify (or any client) is asked to wait before it delivers again.</summary>
    public const int RetryAfterSeconds = 2;

    private readonly TimeSpan _timeout = configuration.GetValue(TimeoutKey, DefaultTimeout);

    public async Task InvokeAsync(HttpContext http)
    {
        if (!IsShopifyWebhook(http.GetEndpoint()))
        {
            await next(http);
            return;
        }

        var clientGone = http.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        deadline.CancelAfter(_timeout);
        http.RequestAborted = deadline.Token;
        try
        {
            var handling = next(http);
            // Npgsql notices a cancelled command at once, but a connection to a server that stopped answering can hold
            // on past it (the cancellation goes over another connection to the same server): the answer does not wait.
            await Task.WhenAny(handling, Task.Delay(_timeout + AnswerGrace, clientGone));
            if (!handling.IsCompleted && !clientGone.IsCancellationRequested && !http.Response.HasStarted)
            {
                await RefuseAsync(http, "no answer");
                await http.Response.CompleteAsync();
                await HandledAnywayAsync(handling);
                return;
            }
            await handling;
        }
        catch (Exception e) when (!clientGone.IsCancellationRequested && !http.Response.HasStarted
                                  && StorageOutage.IsOutage(e, deadline.IsCancellationRequested))
        {
            await RefuseAsync(http, e.GetType().Name);
        }
        finally
        {
            http.RequestAborted = clientGone;
        }
    }

    /// <summary>How long after the deadline a request still gets to answer for itself, having been cancelled.</summary>
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromMilliseconds(300);

    private async Task RefuseAsync(HttpContext http, string reason)
    {
        http.RequestServices.GetRequiredService<ErrorMetrics>().Count(ErrorType);
        logger.LogWarning("Webhook {Path} answered 503: its storage did not answer within {Timeout} ({Reason})",
            http.Request.Path.Value, _timeout, reason);
        http.Response.Clear();
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await WebhookProblem.For(StatusCodes.Status503ServiceUnavailable, ErrorType,
            "the webhook could not be accepted durably right now; deliver it again").ExecuteAsync(http);
    }

    // The request already has its 503; it is awaited so that its context outlives it. Should its transaction still
    // commit, Shopify's next delivery of the webhook is a duplicate and is answered 200.
    private async Task HandledAnywayAsync(Task handling)
    {
        try
        {
            await handling;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "A webhook answered 503 ended after its deadline");
        }
    }

    private static bool IsShopifyWebhook(Endpoint? endpoint) =>
        endpoint?.Metadata.GetOrderedMetadata<EnableRateLimitingAttribute>()
            .Any(limit => limit.PolicyName == WebhookRateLimits.PerIpPolicy) == true;
}
