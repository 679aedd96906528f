using OmsSync.Engine.Model;

namespace OmsSync.Engine.Runtime;

/// <summary>A line written to a direction's worker log from outside the worker (before it starts), in the worker's own form.</summary>
public static class WorkerLogLine
{
    public static string Format(string task, Direction direction, string message) =>
        $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z [{task}/{direction}] {message}";

    public static void Append(string path, string task, Direction direction, string message)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(Format(task, direction, message));
    }
}
