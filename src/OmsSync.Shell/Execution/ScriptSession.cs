using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using OmsSync.Shell.Hosting;
using OmsSync.Shell.StandIns;

namespace OmsSync.Shell.Execution;

/// <summary>
/// One runspace on the console host, running a script file or script text the way pwsh
/// does: output goes through Out-Default with errors merged into it, <c>exit N</c> ends
/// the run with N, and an uncaught terminating error is printed and gives exit code 1.
/// </summary>
internal sealed class ScriptSession : IDisposable
{
    /// <summary>Exit code after Ctrl+C, as for a process ended by SIGINT.</summary>
    public const int InterruptedExitCode = 130;

    private const string LastStatusVariable = "__OmsSyncLastStatementSucceeded";

    private readonly ShellConsole _console;
    private readonly ShellHost _host;
    private readonly Runspace _runspace;
    private readonly bool _exitsPropagate;
    private readonly Lock _gate = new();
    private Pipeline? _running;
    private bool _stopRequested;

    public ScriptSession(ShellConsole console, bool nonInteractive)
    {
        _console = console;
        _host = new ShellHost(console, nonInteractive);

        var state = InitialSessionState.CreateDefault2();
        StandInCatalog.AddMissing(state);
        PSStyle.Instance.OutputRendering = console.IsOutputTerminal ? OutputRendering.Host : OutputRendering.PlainText;

        _runspace = RunspaceFactory.CreateRunspace(_host, state);
        _runspace.Open();
        _exitsPropagate = ExitPropagation.TryEnable(_runspace);
    }

    /// <summary>Imports a module manifest into the global scope; false with the reason when it fails.</summary>
    public bool TryImportModule(string manifestPath, out string failure)
    {
        var pipeline = _runspace.CreatePipeline();
        var import = new Command("Import-Module");
        import.Parameters.Add("Name", manifestPath);
        import.Parameters.Add("Global");
        import.Parameters.Add("ErrorAction", ActionPreference.Stop);
        pipeline.Commands.Add(import);
        try
        {
            pipeline.Invoke();
            failure = string.Empty;
            return true;
        }
        catch (RuntimeException e)
        {
            failure = e.Message;
            return false;
        }
    }

    /// <summary>Runs a script file with pwsh -File argument binding and returns the exit code.</summary>
    public int RunFile(string path, IReadOnlyList<string> args)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            _host.UI.WriteErrorLine(
                $"The argument '{path}' is not the name of an existing script file. Check the spelling of the name, or if a path was included, verify that the path is correct.");
            return 64;
        }

        var script = new Command(fullPath, isScript: false, useLocalScope: false);
        foreach (var parameter in FileArguments.ToParameters(args))
        {
            script.Parameters.Add(parameter);
        }

        bool completed = Run(script);
        if (!completed)
        {
            return _stopRequested ? InterruptedExitCode : _host.ExitCode ?? 1;
        }

        return _host.ExitCode ?? (_exitsPropagate ? 0 : LastExitCodeFallback());
    }

    /// <summary>Runs script text as pwsh -Command does and returns the exit code.</summary>
    public int RunCommand(string text)
    {
        // pwsh -Command exits with 1 when the last statement failed. The script's own $? is
        // only visible inside it, so one trailing statement records it in a global variable.
        // Text that does not parse runs as it is, so the parse error points at the user's text.
        Parser.ParseInput(text, out _, out var parseErrors);
        string script = parseErrors.Length > 0 ? text : $"{text}{Environment.NewLine}$global:{LastStatusVariable} = $?";
        bool completed = Run(new Command(script, isScript: true, useLocalScope: false));
        if (_stopRequested)
        {
            return InterruptedExitCode;
        }

        if (_host.ExitCode is int exitCode)
        {
            return exitCode;
        }

        if (!completed)
        {
            return 1;
        }

        return LastCommandSucceeded() ? 0 : 1;
    }

    /// <summary>Stops the running pipeline (Ctrl+C).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopRequested = true;
            _running?.StopAsync();
        }
    }

    public void Dispose() => _runspace.Dispose();

    /// <returns>True when the pipeline ran to its end (not stopped, no terminating error).</returns>
    private bool Run(Command command)
    {
        var pipeline = _runspace.CreatePipeline();
        command.MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        pipeline.Commands.Add(command);
        pipeline.Commands.Add("Out-Default");
        lock (_gate)
        {
            _running = pipeline;
        }

        try
        {
            pipeline.Invoke();
            return !_stopRequested;
        }
        catch (PipelineStoppedException)
        {
            return false;
        }
        catch (Exception e) when (e is RuntimeException or PSInvalidOperationException or ArgumentException)
        {
            if (_host.ExitCode is null)
            {
                ReportError(e);
            }

            return false;
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }
        }
    }

    private void ReportError(Exception exception)
    {
        ErrorRecord record = exception is IContainsErrorRecord withRecord
            ? withRecord.ErrorRecord
            : new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, null);
        if (exception is RuntimeException)
        {
            // Like pwsh, keep the error in $Error so a later look at it is possible.
            (_runspace.SessionStateProxy.GetVariable("Error") as System.Collections.IList)?.Insert(0, record);
        }

        ErrorPrinter.Print(_runspace, _console, _host.UI, record, exception);
    }

    private bool LastCommandSucceeded()
    {
        bool succeeded = Evaluate($"$global:{LastStatusVariable}") is true;
        _runspace.SessionStateProxy.PSVariable.Remove(LastStatusVariable);
        return succeeded;
    }

    private int LastExitCodeFallback() => Evaluate("$global:LASTEXITCODE") is int code ? code : 0;

    private object? Evaluate(string expression)
    {
        var pipeline = _runspace.CreatePipeline(expression);
        try
        {
            return pipeline.Invoke().FirstOrDefault()?.BaseObject;
        }
        catch (RuntimeException)
        {
            return null;
        }
    }
}
