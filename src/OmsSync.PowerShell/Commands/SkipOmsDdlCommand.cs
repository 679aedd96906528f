using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Skips the DDL a task is paused at (OMS "How do I skip DDL statements?"): records it as skipped, moves the
/// task's checkpoint past it without applying it to the target, and resumes the task.
/// </summary>
[Cmdlet(VerbsCommon.Skip, "OmsDdl", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(OmsDdl))]
public sealed class SkipOmsDdlCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        try
        {
            var task = service.Tasks.Get(Name);
            var paused = service.DdlLog.Paused(task.Name, Direction.Forward);
            if (paused is null || service.IsWorkerAlive(task.Name, Direction.Forward))
            {
                WriteError(OmsErrors.InvalidState("NoPausedDdl", task.Name,
                    $"Task '{task.Name}' is not paused at a DDL, so there is nothing to skip. Get-OmsDdl -Name '{task.Name}' lists the DDL it met."));
                return;
            }
            if (!ShouldProcess($"{task.Name}: {paused.Statement}", "Skip DDL without applying it to the target, and resume the task"))
                return;
            var skipped = _session.Wait(token => service.SkipDdlAsync(task.Name, token));
            var pid = service.StartWorker(task.Name, Direction.Forward);
            WriteVerbose($"Task '{task.Name}' skipped the DDL at {skipped.StartPosition} and resumes in worker process {pid}.");
            if (PassThru)
                WriteObject(new OmsDdl(skipped));
        }
        catch (OmsException e)
        {
            WriteError(OmsErrors.From(e, Name));
        }
        catch (Exception e) when (e is FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            WriteError(OmsErrors.Unexpected(e, "WorkerStartFailed", Name));
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
