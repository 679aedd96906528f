namespace OmsSync.Engine.Pipeline;

/// <summary>
/// How far a server's clock is from this machine's: read between two readings of the local clock, and taken at their
/// midpoint; the read with the shortest round trip of a few counts (a slow one says least about when the server read
/// its clock). Two servers' offsets give the skew between them, whatever this machine's clock says.
/// </summary>
internal static class ClockSkew
{
    private const int Reads = 3;

    /// <summary>The server's clock minus this machine's.</summary>
    public static async Task<TimeSpan> OffsetAsync(Func<CancellationToken, Task<DateTimeOffset>> read, CancellationToken cancellationToken)
    {
        var offset = TimeSpan.Zero;
        var shortest = TimeSpan.MaxValue;
        for (var i = 0; i < Reads; i++)
        {
            var before = DateTimeOffset.UtcNow;
            var server = await read(cancellationToken).ConfigureAwait(false);
            var trip = DateTimeOffset.UtcNow - before;
            if (trip >= shortest) continue;
            shortest = trip;
            offset = server - (before + trip / 2);
        }
        return offset;
    }
}
