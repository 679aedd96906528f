using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Start-Sleep; Ctrl+C ends the wait.</summary>
[Cmdlet(VerbsLifecycle.Start, "Sleep", DefaultParameterSetName = SecondsSet)]
public sealed class StartSleepCommand : PSCmdlet, IDisposable
{
    private const string SecondsSet = "Seconds";
    private const string MillisecondsSet = "Milliseconds";
    private readonly ManualResetEventSlim _stopped = new();

    [Parameter(ParameterSetName = SecondsSet, Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateRange(0.0, int.MaxValue / 1000.0)]
    public double Seconds { get; set; }

    [Parameter(ParameterSetName = MillisecondsSet, Mandatory = true)]
    [Alias("ms")]
    [ValidateRange(0, int.MaxValue)]
    public int Milliseconds { get; set; }

    protected override void ProcessRecord()
    {
        var duration = ParameterSetName == MillisecondsSet
            ? TimeSpan.FromMilliseconds(Milliseconds)
            : TimeSpan.FromSeconds(Seconds);
        _stopped.Wait(duration);
    }

    protected override void StopProcessing() => _stopped.Set();

    public void Dispose() => _stopped.Dispose();
}
