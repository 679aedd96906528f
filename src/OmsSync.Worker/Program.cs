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
{
    var verifyHome = Option("--home") is { } vh ? new OmsHome(vh) : OmsHome.Default();
    verifyHome.EnsureCreated();
    await using var vlog = new StreamWriter(new FileStream(Option("--log") ?? verifyHome.VerificationLog(task), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    using var stopVerifying = new CancellationTokenSource();
    using var vterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopVerifying.Cancel(); });
    using var vint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopVerifying.Cancel(); });
    var store = StateStore.Open(verifyHome);
    var run = await new OmsSync.Engine.Verification.VerificationHost(store, new TaskCatalog(store).Get(task),
            m => { lock (vlog) vlog.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z [{task}/verify] {m}"); })
        .RunAsync(long.Parse(Option("--run") ?? "0"), stopVerifying.Token);
    return run.Status == OmsSync.Engine.Model.TaskStatus.Failed ? WorkerHost.ExitFailed : WorkerHost.ExitOk;
}
if (args[0] == "cutover")
{
    var cutHome = Option("--home") is { } ch ? new OmsHome(ch) : OmsHome.Default();
    cutHome.EnsureCreated();
    await using var clog = new StreamWriter(new FileStream(Option("--log") ?? cutHome.CutOverLog(task), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    using var stopCutOver = new CancellationTokenSource();
    using var cterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopCutOver.Cancel(); });
    using var cint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopCutOver.Cancel(); });
    return await new OmsSync.Engine.CutOver.CutOverHost(OmsService.Open(cutHome), task,
            m => { lock (clog) clog.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z [{task}/cutover] {m}"); })
        .RunAsync(stopCutOver.Token);
}
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
