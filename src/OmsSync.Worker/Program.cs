using System.Runtime.InteropServices;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

// OmsSync.Worker: runs one task direction in the background, outliving the shell that started it.
//   OmsSync.Worker run --task NAME [--direction Forward|Reverse] [--home DIR] [--log FILE]
//   OmsSync.Worker verify --task NAME --run ID [--home DIR] [--log FILE]
//   OmsSync.Worker cutover --task NAME [--home DIR] [--log FILE]
if (args.Length == 0 || args[0] is not ("run" or "supervise" or "verify" or "cutover"))
{
    Console.Error.WriteLine("usage: OmsSync.Worker run --task NAME [--direction Forward|Reverse] [--home DIR] [--log FILE]");
    Console.Error.WriteLine("       OmsSync.Worker verify --task NAME --run ID [--home DIR] [--log FILE]");
    Console.Error.WriteLine("       OmsSync.Worker cutover --task NAME [--home DIR] [--log FILE]");
    Console.Error.WriteLine("       OmsSync.Worker supervise [--home DIR] [--log FILE]");
    return 2;
}
string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
if (args[0] == "supervise")
{
    var supervisedHome = Option("--home") is { } sh ? new OmsHome(sh) : OmsHome.Default();
    supervisedHome.EnsureCreated();
    var supervisorLog = Option("--log") ?? Path.Combine(supervisedHome.LogDirectory, "supervisor.log");
    await using var slog = new StreamWriter(new FileStream(supervisorLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    using var stopSupervisor = new CancellationTokenSource();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopSupervisor.Cancel(); });
    try
    {
        return await new Supervisor(OmsService.Open(supervisedHome), m => slog.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z [supervisor] {m}"))
            .RunAsync(stopSupervisor.Token);
    }
    catch (OperationCanceledException)
    {
        return 0;
    }
}

var task = Option("--task");
if (string.IsNullOrEmpty(task))
{
    Console.Error.WriteLine("OmsSync.Worker: --task is required");
    return 2;
}
if (args[0] == "verify")
    return await RunLoggedAsync("verify", at => at.VerificationLog(task), async (at, write, stop) =>
    {
        var store = StateStore.Open(at);
        var run = await new OmsSync.Engine.Verification.VerificationHost(store, new TaskCatalog(store).Get(task), write)
            .RunAsync(long.Parse(Option("--run") ?? "0"), stop);
        return run.Status == OmsSync.Engine.Model.TaskStatus.Failed ? WorkerHost.ExitFailed : WorkerHost.ExitOk;
    });
if (args[0] == "cutover")
    return await RunLoggedAsync("cutover", at => at.CutOverLog(task), (at, write, stop) =>
        new OmsSync.Engine.CutOver.CutOverHost(OmsService.Open(at), task, write).RunAsync(stop));
var direction = Enum.Parse<Direction>(Option("--direction") ?? "Forward", ignoreCase: true);
var home = Option("--home") is { } h ? new OmsHome(h) : OmsHome.Default();
home.EnsureCreated();
var logPath = Option("--log") ?? home.WorkerLog(task, direction);
await using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

// SIGTERM (and Ctrl+C when run by hand) suspends the task cleanly; it resumes from its checkpoint later.
using var shutdown = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; shutdown.Cancel(); });
return await new WorkerHost(home, task, direction, log).RunAsync(shutdown.Token);

// The verify and cutover workers start alike: the home, a log appended to (lines tagged task/kind), and SIGTERM or
// SIGINT (Ctrl+C when run by hand) as a clean stop.
async Task<int> RunLoggedAsync(string kind, Func<OmsHome, string> defaultLog, Func<OmsHome, Action<string>, CancellationToken, Task<int>> work)
{
    var workHome = Option("--home") is { } wh ? new OmsHome(wh) : OmsHome.Default();
    workHome.EnsureCreated();
    await using var writer = new StreamWriter(new FileStream(Option("--log") ?? defaultLog(workHome), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    using var stop = new CancellationTokenSource();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
    return await work(workHome, m => { lock (writer) writer.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z [{task}/{kind}] {m}"); }, stop.Token);
}
