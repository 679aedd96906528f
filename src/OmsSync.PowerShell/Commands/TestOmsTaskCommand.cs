using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Runs a task's pre-checks: both data sources for their roles, then the task's objects and options.</summary>
[Cmdlet(VerbsDiagnostic.Test, "OmsTask")]
[OutputType(typeof(OmsCheck))]
public sealed class TestOmsTaskCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (!_done.Add(name)) continue;
            try
            {
                foreach (var check in _session.Wait(token => _session.Service.TestTaskAsync(name, token)))
                    WriteObject(new OmsCheck(check, name));
            }
            catch (OmsException e)
            {
                WriteError(OmsErrors.From(e, name));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
