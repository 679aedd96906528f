using System.Management.Automation;
using OmsSync.Engine.Verification;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Reads verification results: per table, what the latest verification of that table found; with -Detail,
/// the rows that differ and are not repaired yet, ready for Repair-OmsDifference.
/// </summary>
[Cmdlet(VerbsCommon.Get, "OmsVerificationResult")]
[OutputType(typeof(OmsVerificationResult), typeof(OmsVerificationDifference))]
public sealed class GetOmsVerificationResultCommand : OmsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only tables whose source or target name (db.table) matches one of these wildcard patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Table { get; set; }

    /// <summary>Returns the differing rows instead of the per-table summaries.</summary>
    [Parameter]
    public SwitchParameter Detail { get; set; }

    protected override void ProcessRecord()
    {
        var verification = new VerificationService(Service);
        var tables = Table?.Select(t => new WildcardPattern(t, WildcardOptions.IgnoreCase)).ToList();
        bool Wanted(string source, string target) => tables is null || tables.Any(p => p.IsMatch(source) || p.IsMatch(target));
        var tasks = NameFilter.Select(Service.Tasks.List(), t => t.Name, Name,
            missing => WriteEngineError(Engine.State.TaskCatalog.NotFound(missing), missing));
        foreach (var task in tasks)
            Try(task.Name, () =>
            {
                if (Detail)
                    WriteObject(verification.Runs.OpenDifferences(task.Name).Where(d => Wanted(d.SourceTable, d.TargetTable))
                        .Select(d => new OmsVerificationDifference(task.Name, d)).ToList(), enumerateCollection: true);
                else
                    WriteObject(verification.Runs.LatestTables(task.Name).Where(r => Wanted(r.Table.SourceTable, r.Table.TargetTable))
                        .Select(r => new OmsVerificationResult(verification.Status(r.Run.Id), r.Table)).ToList(), enumerateCollection: true);
            });
    }
}
