namespace Referrals.Service.Platform;

/// <summary>
/// A request that ends because its client gave up (aborted, or stopped sending mid-body) or because this instance is
/// going down is nobody's error: it answers no 500 and logs no Error. The client that aborted hears nothing either way
/// (499 is for the access log); one cut off mid-body gets the 400 Kestrel chose; a request cut short by the shutdown
/// gets 503, so a client that is still there delivers it again, to another instance.
/// </summary>
public sealed class AbandonedRequests(RequestDelegate next, IHostApplicationLifetime lifetime, ILogger<AbandonedRequests> logger)
{
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var stopping = lifetime.ApplicationStopping.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested;
            logger.LogDebug("Request {Path} ended unanswered: {Reason}", http.Request.Path.Value,
                stopping ? "the instance is stopping" : "the client gave up");
            Answer(http, stopping ? StatusCodes.Status503ServiceUnavailable : ClientClosedRequest);
        }
        catch (BadHttpRequestException e)
        {
            logger.LogWarning("Request {Path} refused: {Reason}", http.Request.Path.Value, e.Message);
            Answer(http, e.StatusCode);
        }
    }

    private static void Answer(HttpContext http, int status)
    {
        if (http.Response.HasStarted)
            return;
        http.Response.Clear();
        http.Response.StatusCode = status;
    }
}
