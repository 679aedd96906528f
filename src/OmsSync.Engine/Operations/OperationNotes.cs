using System.Collections.Concurrent;

namespace OmsSync.Engine.Operations;

/// <summary>
/// What an engine operation has to tell besides its result: warnings the user should read and details
/// for those who ask (a cmdlet's -Verbose). Written from any thread; the caller drains them afterwards.
/// </summary>
public sealed class OperationNotes
{
    private readonly ConcurrentQueue<(bool Warning, string Text)> _notes = new();

    public void Warn(string text) => _notes.Enqueue((true, text));

    public void Detail(string text) => _notes.Enqueue((false, text));

    /// <summary>Takes the notes written so far into a log, warnings marked as such.</summary>
    public void DrainTo(Action<string> log)
    {
        foreach (var (warning, text) in Drain()) log((warning ? "warning: " : "") + text);
    }

    /// <summary>Takes the notes written so far, in order.</summary>
    public IEnumerable<(bool Warning, string Text)> Drain()
    {
        while (_notes.TryDequeue(out var note))
            yield return note;
    }
}
