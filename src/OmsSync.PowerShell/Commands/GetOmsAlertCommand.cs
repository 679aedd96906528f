using System.Management.Automation;
using OmsSync.Engine.Alerts;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Reads the alerts of a task, or of every task: newest first, each with its start and clear times and its delivery.</summary>
[Cmdlet(VerbsCommon.Get, "OmsAlert")]
[OutputType(typeof(OmsAlert))]
public sealed class GetOmsAlertCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string? Name { get; set; }

    [Parameter]
    public AlertKind[]? Kind { get; set; }

    /// <summary>Only the alerts whose condition still holds.</summary>
    [Parameter]
    public SwitchParameter Active { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var task = Name is null ? null : Service.Tasks.Get(Name).Name;
        foreach (var alert in new AlertService(Service).Log.List(task, Active))
            if (Kind is null || Kind.Contains(alert.Kind))
                WriteObject(new OmsAlert(alert));
    });
}
