namespace OmsSync.Engine.FullLoad;

/// <summary>
/// Keeps writes under a rows-per-second and a bytes-per-second limit (OMS RPS/BPS). Shared by all
/// writers of a task (the full copy's writers; an incremental direction's batches); a caller asks before each batch
/// and waits as long as the budget needs.
/// </summary>
internal sealed class Throttle
{
    private readonly long _rowsPerSecond;
    private readonly long _bytesPerSecond;
    private readonly object _gate = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private double _rowsReleasedAt; // seconds on _clock at which the rows granted so far are "paid for"
    private double _bytesReleasedAt;

    public Throttle(long rowsPerSecond, long bytesPerSecond)
    {
        _rowsPerSecond = rowsPerSecond;
        _bytesPerSecond = bytesPerSecond;
    }

    public bool Limited => _rowsPerSecond > 0 || _bytesPerSecond > 0;

    /// <summary>Whether a bytes-per-second limit is set (so callers count bytes only then).</summary>
    public bool LimitsBytes => _bytesPerSecond > 0;

    /// <summary>The largest batch in rows that keeps the pacing smooth (about a quarter second of budget).</summary>
    public long MaxBatchRows(long wanted) => _rowsPerSecond > 0 ? Math.Max(1, Math.Min(wanted, _rowsPerSecond / 4)) : wanted;

    public async Task WaitAsync(long rows, long bytes, CancellationToken cancellationToken)
    {
        if (!Limited) return;
        double waitUntil;
        lock (_gate)
        {
            var now = _clock.Elapsed.TotalSeconds;
            waitUntil = now;
            if (_rowsPerSecond > 0)
            {
                _rowsReleasedAt = Math.Max(_rowsReleasedAt, now) + (double)rows / _rowsPerSecond;
                waitUntil = Math.Max(waitUntil, _rowsReleasedAt - (double)rows / _rowsPerSecond);
            }
            if (_bytesPerSecond > 0)
            {
                _bytesReleasedAt = Math.Max(_bytesReleasedAt, now) + (double)bytes / _bytesPerSecond;
                waitUntil = Math.Max(waitUntil, _bytesReleasedAt - (double)bytes / _bytesPerSecond);
            }
        }
        var delay = waitUntil - _clock.Elapsed.TotalSeconds;
        if (delay > 0.001)
            await Task.Delay(TimeSpan.FromSeconds(delay), cancellationToken).ConfigureAwait(false);
    }
}
