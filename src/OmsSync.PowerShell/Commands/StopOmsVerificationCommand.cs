using System.Management.Automation;
using OmsSync.Engine.Verification;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Jobs;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Stops a task's running verification (an incremental one runs until stopped); what it found so far stays.</summary>
[Cmdlet(VerbsLifecycle.Stop, "OmsVerification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(OmsVerificationResult))]
public sealed class StopOmsVerificationCommand : OmsCmdlet
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var verification = new VerificationService(Service);
        Try(Name, () =>
        {
            var task = Service.Tasks.Get(Name);
            if (!ShouldProcess(task.Name, "Stop verification"))
                return;
            var run = Await(token => verification.StopAsync(task.Name, StopWait, token));
            if (run is null)
            {
                WriteWarning($"Task '{task.Name}' has no verification running.");
                return;
            }
            if (verification.IsRunning(task.Name))
                WriteWarning($"The verification of task '{task.Name}' has not stopped within {StopWait.TotalSeconds:0} s; it will at its next safe point.");
            if (PassThru)
                WriteObject(VerificationFollower.Results(verification, run.Id), enumerateCollection: true);
        });
    }
}
