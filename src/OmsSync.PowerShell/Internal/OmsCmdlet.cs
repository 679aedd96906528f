using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;

namespace OmsSync.PowerShell.Internal;

/// <summary>
/// What every OmsSync cmdlet shares: the engine over the state store in $OMSSYNC_HOME (opened on first use, so
/// $env:OMSSYNC_HOME set in the session counts), the token Ctrl+C cancels, the one place that waits on the
/// engine, ShouldProcess before a planned change, and engine errors written as ErrorRecords.
/// </summary>
public abstract class OmsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly OperationNotes _notes = new();
    private OmsService? _service;

    private protected OmsService Service => _service ??= OmsService.Open();

    private protected CancellationToken Token => _cancel.Token;

    /// <summary>Where engine calls leave warnings and details; written out after each item.</summary>
    private protected OperationNotes Notes => _notes;

    /// <summary>
    /// Waits for engine work on the pipeline thread: cmdlets must write their output from that thread.
    /// This is the one place the module blocks on a task; cancellation comes from StopProcessing.
    /// </summary>
    private protected T Await<T>(Func<CancellationToken, Task<T>> work) => work(Token).GetAwaiter().GetResult();

    /// <summary>Sleeps for a polling interval; false when the pipeline is being stopped.</summary>
    private protected bool Pause(TimeSpan interval) => !Token.WaitHandle.WaitOne(interval);

    /// <summary>
    /// Does the work for one input. An engine error becomes a non-terminating ErrorRecord, so the next input of
    /// the pipeline still runs; Ctrl+C ends quietly.
    /// </summary>
    private protected void Try(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (OmsException e)
        {
            WriteEngineError(e, target);
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        finally
        {
            WriteNotes();
        }
    }

    /// <summary>Asks ShouldProcess (-WhatIf, -Confirm) about a planned change and makes it when allowed.</summary>
    private protected bool Perform<T>(PlannedOperation<T>? operation, out T result)
    {
        result = default!;
        if (operation is null || !ShouldProcess(operation.Target, operation.Action))
            return false;
        result = Await(token => operation.RunAsync(_notes, token));
        WriteNotes();
        return true;
    }

    private protected void WriteEngineError(OmsException error, object? target)
    {
        if (error is InvalidOptionsException many)
            foreach (var problem in many.Problems)
                WriteError(OmsErrors.From(problem, target));
        else
            WriteError(OmsErrors.From(error, target));
    }

    /// <summary>True (with a FileExists error written) when -NoClobber forbids replacing the file at <paramref name="path"/>.</summary>
    private protected bool RefusesToReplace(string path, bool noClobber)
    {
        if (!noClobber || !File.Exists(path)) return false;
        WriteError(new ErrorRecord(new IOException($"File '{path}' exists and -NoClobber was given. Choose another -Path, or leave out -NoClobber to replace it."),
            "FileExists", ErrorCategory.ResourceExists, path));
        return true;
    }

    private protected void WriteNotes()
    {
        foreach (var (warning, text) in _notes.Drain())
        {
            if (warning) WriteWarning(text);
            else WriteVerbose(text);
        }
    }

    protected override void StopProcessing()
    {
        try { _cancel.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }
}
