namespace OmsSync.Engine.Changes.Spill;

/// <summary>
/// How many bytes of decoded row changes the transactions of one source reader may hold in memory at once,
/// from the moment they are read until their consumer disposes them. Row changes that do not fit are spilled.
/// Taken by the reading thread, given back by the applying one.
/// </summary>
internal sealed class ChangeMemoryBudget(long limitBytes)
{
    private long _used;

    public long LimitBytes { get; } = limitBytes;

    public bool TryTake(long bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > LimitBytes) return false;
            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used) return true;
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
