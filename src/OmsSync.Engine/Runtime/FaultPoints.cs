namespace OmsSync.Engine.Runtime;

/// <summary>
/// Named places where crash tests kill a worker as kill -9 would: the environment variable OMSSYNC_FAULT
/// set to "task:point" makes the worker of that task end itself on reaching the point. Nothing else uses it.
/// </summary>
internal static class FaultPoints
{
    public static void Hit(string task, string point)
    {
        var wanted = Environment.GetEnvironmentVariable("OMSSYNC_FAULT");
        if (wanted is null || !string.Equals(wanted, $"{task}:{point}", StringComparison.Ordinal)) return;
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite);
    }
}
