using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>
/// The exclusive lock a worker holds on its task's direction for as long as it lives. The operating
/// system releases it when the process dies, however it dies, so "is a worker running?" never depends
/// on a pid that may have been reused.
/// </summary>
public sealed class WorkerLock : IDisposable
{
    private readonly FileStream _stream;

    private WorkerLock(FileStream stream) => _stream = stream;

    public static WorkerLock? TryAcquire(OmsHome home, string task, Direction direction) =>
        TryAcquirePath(home, home.WorkerLock(task, direction));

    /// <summary>A lock that is not a task's, e.g. the supervisor's.</summary>
    public static WorkerLock? TryAcquireNamed(OmsHome home, string name) =>
        TryAcquirePath(home, Path.Combine(home.LockDirectory, name + ".lock"));

    public static bool IsNamedHeld(OmsHome home, string name)
    {
        using var probe = TryAcquireNamed(home, name);
        return probe is null;
    }

    private static WorkerLock? TryAcquirePath(OmsHome home, string path)
    {
        home.EnsureCreated();
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new WorkerLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True when some process holds the lock of this task's direction now.</summary>
    public static bool IsHeld(OmsHome home, string task, Direction direction)
    {
        using var probe = TryAcquire(home, task, direction);
        return probe is null;
    }

    public void Dispose() => _stream.Dispose();
}
