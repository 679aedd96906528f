using System.Management.Automation;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Pauses a task's direction at a safe point (a chunk or transaction boundary); Resume-OmsTask continues it from its checkpoint.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class SuspendOmsTaskCommand : WorkerRequestCommandBase
{
    private protected override WorkerRequest Request => WorkerRequest.Suspend;
}
