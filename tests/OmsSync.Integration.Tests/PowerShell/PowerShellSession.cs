using System.Collections.ObjectModel;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// A real PowerShell 7 engine (InitialSessionState.CreateDefault2) with the OmsSync module imported
/// from the repository's OmsSync.psd1 (built by ./build.sh into bin/module).
///
/// State isolation: each test class gets its own session and its own fresh $OMSSYNC_HOME. The variable
/// is process-wide, so the classes share the "PowerShell" collection (run one after another) and every
/// invocation sets $env:OMSSYNC_HOME to the session's home before running its script. Within a class,
/// tests still create uniquely named objects and remove them, so their order does not matter.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        RepoRoot = FindRepoRoot();
        Home = Directory.CreateTempSubdirectory("omssync-pstest-").FullName;
        UsePublishedWorker(RepoRoot);
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        var manifest = Path.Combine(RepoRoot, "OmsSync.psd1");
        var import = Invoke(
            """
            param($Manifest)
            Import-Module $Manifest -ErrorAction Stop
            function global:New-TestCredential([string] $User, [string] $Password) {
                $secure = [System.Security.SecureString]::new()
                foreach ($c in $Password.ToCharArray()) { $secure.AppendChar($c) }
                [pscredential]::new($User, $secure)
            }
            """, new Hashtable { ["Manifest"] = manifest });
        if (import.Terminating is not null || import.Errors.Count > 0)
            throw new InvalidOperationException(
                $"Import-Module {manifest} failed (build the module first with ./build.sh build): {import.Terminating?.Message ?? import.Errors[0].ToString()}");
    }

    public string RepoRoot { get; }
    public string Home { get; }

    /// <summary>Runs a script (with an optional param() block fed from <paramref name="parameters"/>) and collects its streams.</summary>
    public PsResult Invoke(string script, IDictionary? parameters = null)
    {
        Environment.SetEnvironmentVariable("OMSSYNC_HOME", Home);
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        if (parameters is not null)
            shell.AddParameters(parameters);
        Collection<PSObject> output = [];
        Exception? terminating = null;
        try
        {
            output = shell.Invoke();
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new PsResult(output.Where(o => o is not null).ToList(), shell.Streams.Error.ToList(), shell.Streams.Warning.ToList(),
            shell.Streams.Progress.ToList(), terminating);
    }

    /// <summary>Runs a script that must succeed: no terminating error and nothing in the error stream.</summary>
    public IReadOnlyList<PSObject> Run(string script, IDictionary? parameters = null)
    {
        var result = Invoke(script, parameters);
        if (result.Terminating is not null)
            throw new Xunit.Sdk.XunitException($"The script failed: {result.Terminating.Message}\n{script}");
        if (result.Errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"The script wrote errors:\n{string.Join("\n", result.Errors.Select(e => $"[{e.FullyQualifiedErrorId}] {e}"))}\n{script}");
        return result.Output;
    }

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public void Dispose()
    {
        // Stop whatever workers the tests left so that no process outlives the run, then drop the home.
        try { Invoke("Get-OmsTask | Stop-OmsTask -Confirm:$false -WarningAction SilentlyContinue"); } catch (Exception) { }
        _runspace.Dispose();
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// This test process references OmsSync.Engine itself, so the module binds to the test folder's copy
    /// of the engine; point the engine at the published worker (same build, same dependencies).
    /// </summary>
    private static void UsePublishedWorker(string repoRoot)
    {
        var worker = Path.Combine(repoRoot, "bin", "module", "OmsSync.Worker.dll");
        if (!File.Exists(worker))
            throw new InvalidOperationException($"{worker} is missing: build the module first with ./build.sh build.");
        Environment.SetEnvironmentVariable("OMSSYNC_WORKER", worker);
    }

    private static string FindRepoRoot()
    {
        var configured = Environment.GetEnvironmentVariable("OMSSYNC_MODULE");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
            return Path.GetDirectoryName(Path.GetFullPath(configured))!;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OmsSync.psd1")))
                return dir.FullName;
        throw new InvalidOperationException($"OmsSync.psd1 was not found above {AppContext.BaseDirectory}; set OMSSYNC_MODULE to its path.");
    }
}

/// <summary>What a script produced: output objects, error records, warnings, progress, and a terminating error if any.</summary>
public sealed record PsResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<ProgressRecord> Progress,
    Exception? Terminating)
{
    /// <summary>The ids of the errors written, without the command name FullyQualifiedErrorId appends.</summary>
    public IReadOnlyList<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();

    public string? TerminatingErrorId =>
        (Terminating as IContainsErrorRecord)?.ErrorRecord.FullyQualifiedErrorId.Split(',')[0];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PowerShellCollection
{
    public const string Name = "PowerShell";
}

/// <summary>Property access on output objects without casts in every assertion.</summary>
public static class PSObjectExtensions
{
    public static object? Prop(this PSObject o, string name) => o.Properties[name]?.Value is { } v ? PSObject.AsPSObject(v).BaseObject : null;

    public static string? Text(this PSObject o, string name) => o.Prop(name)?.ToString();
}
