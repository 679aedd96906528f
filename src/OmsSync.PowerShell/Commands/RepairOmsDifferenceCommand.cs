using System.Management.Automation;
using OmsSync.Engine.Verification;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Makes one side equal to the other for rows a verification found different: differences from the pipeline
/// (Get-OmsVerificationResult -Detail), or all open ones of a task. -Direction Forward (the default) makes the target
/// equal to the source, Reverse the source equal to the target (a bidirectional task whose sides both write). The side
/// copied from is read again now; rows it has are written to the other side, rows it lacks are deleted there.
/// -Script writes the SQL instead.
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "OmsDifference", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
    DefaultParameterSetName = ByObjectSet)]
[OutputType(typeof(OmsVerificationDifference))]
public sealed class RepairOmsDifferenceCommand : OmsCmdlet
{
    public const string ByNameSet = "ByName";
    public const string ByObjectSet = "ByObject";

    private readonly List<OmsVerificationDifference> _differences = [];
    private readonly HashSet<long> _seen = [];

    [Parameter(Mandatory = true, ParameterSetName = ByObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public OmsVerificationDifference? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Only differences on tables whose source or target name matches one of these wildcard patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Table { get; set; }

    /// <summary>Forward makes the target's rows equal to the source's; Reverse makes the source's equal to the target's.</summary>
    [Parameter]
    public Engine.Model.Direction Direction { get; set; } = Engine.Model.Direction.Forward;

    /// <summary>Writes the correction SQL to this file instead of running it on the side it corrects.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Script { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // The -Table patterns, built once for all the differences piped in.
    private List<WildcardPattern>? _tables;

    protected override void ProcessRecord()
    {
        Try(Name, () =>
        {
            IEnumerable<OmsVerificationDifference> found = [InputObject!];
            if (ParameterSetName != ByObjectSet)
            {
                var task = Service.Tasks.Get(Name).Name;
                found = new Engine.State.VerificationStore(Service.Store).OpenDifferences(task).Select(d => new OmsVerificationDifference(task, d));
            }
            _tables ??= Table?.Select(t => new WildcardPattern(t, WildcardOptions.IgnoreCase)).ToList();
            var tables = _tables;
            foreach (var difference in found)
                if ((tables is null || tables.Any(p => p.IsMatch(difference.SourceTable) || p.IsMatch(difference.Table))) && _seen.Add(difference.Id))
                    _differences.Add(difference);
        });
    }

    // Differences are gathered first: a table's rows are repaired together, in one target transaction.
    protected override void EndProcessing()
    {
        var scripts = new List<(DifferenceRepairer Repairer, IReadOnlyList<TableRepair> Repairs)>();
        foreach (var task in _differences.GroupBy(d => d.Task, StringComparer.OrdinalIgnoreCase))
        {
            Try(task.Key, () =>
            {
                var repairer = new DifferenceRepairer(Service.Store, Service.Tasks.Get(task.Key), Direction);
                var repairs = Await(token => repairer.PlanAsync(task.Select(d => d.Record).ToList(), token));
                if (Script is not null)
                {
                    scripts.Add((repairer, repairs));
                    return;
                }
                foreach (var repair in repairs)
                {
                    var ids = repair.DifferenceIds.ToHashSet();
                    var rows = task.Where(d => ids.Contains(d.Id)).ToList();
                    var written = repairer.WrittenTable(repair);
                    if (!ShouldProcess($"{rows.Count} row(s) of {written} on '{repairer.Written.Name}'", $"Make the rows equal to the {repairer.CopiedFrom}'s"))
                        continue;
                    Await(async token => { await repairer.ApplyAsync(repair, token); return true; });
                    WriteVerbose($"{written}: {repair.Statements.Count} statement(s) applied for {rows.Count} difference(s).");
                    if (PassThru)
                        WriteObject(rows.Select(r => r.AsRepaired()).ToList(), enumerateCollection: true);
                }
            });
        }
        if (Script is not null && scripts.Count > 0)
            WriteScript(scripts);
    }

    private void WriteScript(List<(DifferenceRepairer Repairer, IReadOnlyList<TableRepair> Repairs)> scripts)
    {
        var path = GetUnresolvedProviderPathFromPSPath(Script!);
        if (!ShouldProcess(path, $"Write correction SQL for {_differences.Count} difference(s)"))
            return;
        try
        {
            using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
            foreach (var (repairer, repairs) in scripts)
                repairer.WriteScript(writer, repairs);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(OmsErrors.Unexpected(e, "ScriptNotWritten", path));
            return;
        }
        WriteVerbose($"Correction SQL written to {path}.");
        if (PassThru)
            WriteObject(_differences, enumerateCollection: true);
    }
}
