using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.MySql.Apply;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Settles conflicts from the conflict log, usually piped from Get-OmsConflict: ApplySource makes the
/// target row equal the recorded source image, KeepTarget leaves the row and marks the conflict resolved.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "OmsConflict", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(OmsConflict))]
public sealed class ResolveOmsConflictCommand : OmsCmdlet
{
    private const string ObjectSet = "InputObject";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    public OmsConflict[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
    public long[] Id { get; set; } = [];

    [Parameter(Mandatory = true)]
    public ConflictAction Action { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var resolution = new ConflictResolution(Service);
        foreach (var id in ParameterSetName == IdSet ? Id : InputObject.Select(c => c.Id).ToArray())
            Try(id, () =>
            {
                if (Perform(resolution.PlanResolve(id, Action), out var resolved) && PassThru)
                    WriteObject(new OmsConflict(resolved));
            });
    }
}
