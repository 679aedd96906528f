using OmsSync.Engine.Model;

namespace OmsSync.Engine.State;

/// <summary>
/// Where OmsSync keeps its state: $OMSSYNC_HOME, else ~/.omssync. Holds state.db (SQLite) or state-store.json (the
/// server the state is kept on instead), the key that encrypts credentials, worker locks, worker logs and spilled
/// transactions.
/// </summary>
public sealed class OmsHome
{
    public OmsHome(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }
    public string StateDatabase => System.IO.Path.Combine(Path, "state.db");
    public string KeyFile => System.IO.Path.Combine(Path, "secret.key");
    public string LockDirectory => System.IO.Path.Combine(Path, "locks");
    public string LogDirectory => System.IO.Path.Combine(Path, "logs");
    public string SpillDirectory => System.IO.Path.Combine(Path, "spill");

    public static OmsHome Default()
    {
        var configured = Environment.GetEnvironmentVariable("OMSSYNC_HOME");
        if (!string.IsNullOrWhiteSpace(configured))
            return new OmsHome(configured);
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new OmsHome(System.IO.Path.Combine(profile, ".omssync"));
    }

    /// <summary>Creates the folders, readable by the owner only where the OS allows saying so.</summary>
    public void EnsureCreated()
    {
        foreach (var dir in new[] { Path, LockDirectory, LogDirectory, SpillDirectory })
        {
            if (Directory.Exists(dir)) continue;
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(dir);
            else
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string WorkerLog(string task, Direction direction) =>
        System.IO.Path.Combine(LogDirectory, $"{FileSafe(task)}.{direction.ToString().ToLowerInvariant()}.log");

    /// <summary>Where a task direction's large source transactions spill to disk while they are applied.</summary>
    public string SpillFolder(string task, Direction direction) =>
        System.IO.Path.Combine(SpillDirectory, $"{FileSafe(task)}.{direction.ToString().ToLowerInvariant()}");

    public string WorkerLock(string task, Direction direction) =>
        System.IO.Path.Combine(LockDirectory, $"{FileSafe(task)}.{direction.ToString().ToLowerInvariant()}.lock");

    /// <summary>The log of a task's verification workers.</summary>
    public string VerificationLog(string task) => System.IO.Path.Combine(LogDirectory, $"{FileSafe(task)}.verify.log");

    /// <summary>The name of the lock a task's verification worker holds (see WorkerLock.TryAcquireNamed).</summary>
    public static string VerificationLockName(string task) => $"{FileSafe(task)}.verify";

    public string CutOverLog(string task) => System.IO.Path.Combine(LogDirectory, $"{FileSafe(task)}.cutover.log");

    /// <summary>The lock the process running a task's cut-over holds.</summary>
    public static string CutOverLockName(string task) => $"{FileSafe(task)}.cutover";

    /// <summary>A renamed task's logs and spill folders, moved to its new name's (nothing of it runs meanwhile).</summary>
    public void MoveTaskFiles(string from, string to)
    {
        if (FileSafe(from) == FileSafe(to)) return;
        var pairs = Enum.GetValues<Direction>().SelectMany(d => new[] { (WorkerLog(from, d), WorkerLog(to, d)), (SpillFolder(from, d), SpillFolder(to, d)) })
            .Append((VerificationLog(from), VerificationLog(to))).Append((CutOverLog(from), CutOverLog(to)));
        foreach (var (old, now) in pairs)
        {
            if (File.Exists(old) && !File.Exists(now)) File.Move(old, now);
            else if (Directory.Exists(old) && !Directory.Exists(now)) Directory.Move(old, now);
        }
    }

    /// <summary>Task names may hold characters a file name cannot; keep them recognisable yet unique.</summary>
    private static string FileSafe(string name)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || c == '.' ? '_' : c).ToArray());
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name.ToLowerInvariant())))[..8];
        return $"{safe}-{hash}";
    }
}
