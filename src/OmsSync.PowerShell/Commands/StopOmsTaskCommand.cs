using System.Management.Automation;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Ends a task's direction at a safe point (a chunk or transaction boundary). A stopped task can still be resumed from its checkpoint with Resume-OmsTask.</summary>
[Cmdlet(VerbsLifecycle.Stop, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class StopOmsTaskCommand : WorkerRequestCommandBase
{
    private protected override WorkerRequest Request => WorkerRequest.Stop;
}
