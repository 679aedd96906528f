using System.Management.Automation;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Starts the reverse direction of a bidirectional task: changes made on the task's target flow back to its
/// source, from the target position recorded when the forward direction entered its incremental phase.
/// Allowed only while the forward direction runs in that phase, and after the reverse direction's pre-checks pass
/// (the target's change log and privileges, the source's write privileges); -SkipCheck names checks that may fail.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "OmsReverse", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OmsTask))]
public sealed class EnableOmsReverseCommand : OmsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The reverse direction's conflict policy for all tables (Set-OmsConflictPolicy -Direction Reverse).</summary>
    [Parameter]
    public ConflictPolicy? ConflictPolicy { get; set; }

    /// <summary>For -ConflictPolicy NewerWins: the column whose larger value marks the newer row.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimestampColumn { get; set; }

    /// <summary>Pre-checks of the reverse direction (by name) whose failure does not stop the start; each is recorded as skipped.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CheckNameCompleter))]
    public string[]? SkipCheck { get; set; }

    /// <summary>The kinds of row change the reverse direction applies (Insert, Update, Delete); changes of the others are dropped.</summary>
    [Parameter]
    [ValidateSet("Insert", "Update", "Delete")]
    public DmlTypes[]? DmlTypes { get; set; }

    /// <summary>The reverse direction's own limit of rows a second (0: none); without it, the task's.</summary>
    [Parameter]
    public long RowsPerSecond { get; set; }

    /// <summary>The reverse direction's own limit of bytes a second (0: none); without it, the task's.</summary>
    [Parameter]
    public long BytesPerSecond { get; set; }

    /// <summary>The reverse direction's own number of apply lanes; without it, the task's.</summary>
    [Parameter]
    public int WriteConcurrency { get; set; }

    /// <summary>The reverse direction's own memory for changes before spilling; without it, the task's.</summary>
    [Parameter]
    public long IncrementalMemoryLimit { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Try(Name, () =>
    {
        var bound = MyInvocation.BoundParameters;
        T? Given<T>(string parameter, T value) where T : struct => bound.ContainsKey(parameter) ? value : null;
        var limits = new DirectionLimits
        {
            RowsPerSecond = Given(nameof(RowsPerSecond), RowsPerSecond), BytesPerSecond = Given(nameof(BytesPerSecond), BytesPerSecond),
            WriteConcurrency = Given(nameof(WriteConcurrency), WriteConcurrency), IncrementalMemoryLimit = Given(nameof(IncrementalMemoryLimit), IncrementalMemoryLimit),
        };
        var plan = Await(token => new TaskControl(Service).PlanEnableReverseAsync(Name, ConflictPolicy, TimestampColumn, DmlTypes, SkipCheck, Notes, token, limits));
        WriteNotes();
        if (Perform(plan, out var started) && PassThru)
            WriteObject(new OmsTask(started.State));
    });
}
