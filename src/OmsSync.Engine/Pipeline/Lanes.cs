namespace OmsSync.Engine.Pipeline;

/// <summary>The target sessions a task direction applies with side by side (-WriteConcurrency); lane 0 is the pipeline's own session.</summary>
internal sealed class Lanes : IAsyncDisposable
{
    private readonly ITargetSession[] _sessions;

    private Lanes(ITargetSession[] sessions) => _sessions = sessions;

    public int Count => _sessions.Length;

    public ITargetSession this[int lane] => _sessions[lane];

    public static async Task<Lanes> OpenAsync(IChangeTarget target, ITargetSession first, int writeConcurrency, CancellationToken cancellationToken)
    {
        var sessions = new ITargetSession[await target.LanesAsync(first, writeConcurrency, cancellationToken).ConfigureAwait(false)];
        sessions[0] = first;
        try
        {
            for (var i = 1; i < sessions.Length; i++)
                sessions[i] = await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await new Lanes(sessions).DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new Lanes(sessions);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 1; i < _sessions.Length; i++)
            if (_sessions[i] is { } session) await session.DisposeAsync().ConfigureAwait(false);
    }
}
