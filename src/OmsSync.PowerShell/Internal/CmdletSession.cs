using System.Management.Automation;
using OmsSync.Engine.Runtime;

namespace OmsSync.PowerShell.Internal;

/// <summary>
/// What every OmsSync cmdlet holds for one invocation: the engine over the state store in
/// $OMSSYNC_HOME (opened on first use, so $env:OMSSYNC_HOME set in the session counts) and the
/// token that StopProcessing (Ctrl+C) cancels.
/// </summary>
internal sealed class CmdletSession : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private OmsService? _service;

    public OmsService Service => _service ??= OmsService.Open();

    public CancellationToken Token => _cancel.Token;

    public void Cancel()
    {
        try { _cancel.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Waits for engine work on the pipeline thread: cmdlets must write their output from that thread.
    /// This is the one place the module blocks on a task; cancellation comes from StopProcessing.
    /// </summary>
    public T Wait<T>(Func<CancellationToken, Task<T>> work) => work(Token).GetAwaiter().GetResult();

    /// <summary>Sleeps for a polling interval; returns false when the pipeline is being stopped.</summary>
    public bool Pause(TimeSpan interval) => !Token.WaitHandle.WaitOne(interval);

    public void Dispose() => _cancel.Dispose();
}
