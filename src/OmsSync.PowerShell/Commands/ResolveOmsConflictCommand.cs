using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Errors;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Settles conflicts from the conflict log, usually piped from Get-OmsConflict: ApplySource makes the
/// target row equal the recorded source image, KeepTarget leaves the row and marks the conflict resolved.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "OmsConflict", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ObjectSet)]
[OutputType(typeof(OmsConflict))]
public sealed class ResolveOmsConflictCommand : PSCmdlet, IDisposable
{
    private const string ObjectSet = "InputObject";
    private const string IdSet = "Id";

    private readonly CmdletSession _session = new();

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
        var ids = ParameterSetName == IdSet ? Id : InputObject.Select(c => c.Id).ToArray();
        var service = _session.Service;
        foreach (var id in ids)
        {
            try
            {
                var record = service.Conflicts.Get(id);
                var description = $"conflict {id}: {record.Type} on {record.Table} {record.Key} ({record.Task}, {record.Direction})";
                var what = Action == ConflictAction.ApplySource ? "Apply the source row to the target" : "Keep the target row";
                if (!ShouldProcess(description, what))
                    continue;
                var resolved = _session.Wait(token => new ConflictResolution(service).ResolveAsync(id, Action, token));
                if (PassThru)
                    WriteObject(new OmsConflict(resolved));
            }
            catch (OmsException e)
            {
                WriteError(OmsErrors.From(e, id));
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
