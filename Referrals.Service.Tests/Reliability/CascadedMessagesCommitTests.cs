using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A handler that hands a message on (a cascaded message to a durable queue or topic) must commit its session: the
/// commit is what writes the message to the durable inbox or outbox together with marking its own message handled.
/// A handler that opens no transaction of its own gets its cascaded messages queued in memory only, and a paused
/// inbox or a killed instance loses them (it happened to `vip_tier.assigned` → ApplyVipTier in chaos runs). Checked on
/// the committed generated code, which is what runs outside Development.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class CascadedMessagesCommitTests
{
    // Request/reply handlers (InvokeAsync): what they "cascade" is the reply to their caller, not a message.
    private static readonly string[] RequestReplyHandlers = ["GetReferralStatusHandler"];

    [Fact]
    public void Every_generated_handler_that_hands_a_message_on_commits_it_with_its_own()
    {
        var folder = Path.Combine(Repository.Root, "Referrals.Service", "Internal", "Generated", "WolverineHandlers");
        var handlers = Directory.EnumerateFiles(folder, "*Handler*.cs")
            .Where(file => !Path.GetFileName(file).StartsWith("GeneratedHandlerRegistry", StringComparison.Ordinal))
            .Select(file => (Name: Path.GetFileNameWithoutExtension(file), Code: File.ReadAllText(file)))
            .ToList();
        handlers.ShouldNotBeEmpty();

        var uncommitted = handlers
            .Where(h => h.Code.Contains("EnqueueCascadingAsync", StringComparison.Ordinal))
            .Where(h => !RequestReplyHandlers.Any(name => h.Name.StartsWith(name, StringComparison.Ordinal)))
            .Where(h => !h.Code.Contains("SaveChangesAsync", StringComparison.Ordinal))
            .Select(h => h.Name);

        uncommitted.ShouldBeEmpty("these handlers cascade messages without a transaction: mark them [Transactional] " +
            "(or give them an IDocumentSession they use) and regenerate with deploy/local/codegen.sh");
    }

    // A Marten session the handler opens is there for someone to write into: the handler, or middleware such as
    // MarkDeadLetterReprocessed and RecordPublishedEvents, which runs on every handler (cache.invalidate, the counters,
    // replayed events included). Never saved, those writes were dropped (Messaging/CommitMiddlewareSessionWrites).
    [Fact]
    public void Every_generated_handler_that_opens_a_Marten_session_saves_it()
    {
        var folder = Path.Combine(Repository.Root, "Referrals.Service", "Internal", "Generated", "WolverineHandlers");
        var unsaved = Directory.EnumerateFiles(folder, "*Handler*.cs")
            .Select(file => (Name: Path.GetFileNameWithoutExtension(file), Code: File.ReadAllText(file)))
            .Where(h => h.Code.Contains("documentSession = ", StringComparison.Ordinal))
            .Where(h => !h.Code.Contains("documentSession.SaveChangesAsync", StringComparison.Ordinal))
            .Select(h => h.Name)
            .ToList();

        unsaved.ShouldBeEmpty("these handlers open a Marten session their middleware writes into and never save it");
    }
}
