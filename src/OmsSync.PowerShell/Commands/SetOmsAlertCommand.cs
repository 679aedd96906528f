using System.Management.Automation;
using OmsSync.Engine.Alerts;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Sets a task's alert rule of one kind (lag, failure, worker restart, DDL pause, conflicts, verification differences)
/// and where its alerts go: a webhook (HTTP POST of JSON) and/or a command line; -Remove takes the rule away. The
/// supervisor evaluates the rules every second, so a change reaches a running task at once.
/// </summary>
[Cmdlet(VerbsCommon.Set, "OmsAlert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = SetSet)]
[OutputType(typeof(AlertRule))]
public sealed class SetOmsAlertCommand : OmsCmdlet
{
    private const string SetSet = "Set";
    private const string RemoveSet = "Remove";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    public AlertKind Kind { get; set; }

    /// <summary>Lag: seconds; Conflicts: conflicts a minute.</summary>
    [Parameter(ParameterSetName = SetSet)]
    public double Threshold { get; set; }

    /// <summary>How long the condition must hold before the alert starts.</summary>
    [Parameter(ParameterSetName = SetSet)]
    public int ForSeconds { get; set; }

    [Parameter(ParameterSetName = SetSet)]
    [ValidateNotNullOrEmpty]
    public string? Webhook { get; set; }

    [Parameter(ParameterSetName = SetSet)]
    [ValidateNotNullOrEmpty]
    public string? Command { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = RemoveSet)]
    public SwitchParameter Remove { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var rule = new AlertRule { Kind = Kind, Threshold = Threshold, ForSeconds = ForSeconds, Command = Command };
        if (Perform(new AlertService(Service).PlanSet(Name, rule, Webhook, Remove), out var rules) && PassThru)
            WriteObject(rules, enumerateCollection: true);
    });
}
