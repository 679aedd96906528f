using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.CutOver;

/// <summary>
/// Checks a cut-over before anything changes (the task, its options, the forward direction's state, the source's
/// objects) and says, step by step, what it will do: -WhatIf shows this, and the confirmation asks about it.
/// </summary>
internal static class CutOverPlan
{
    /// <summary>The steps as a person reads them; throws, naming the object at fault, when the cut-over cannot run.</summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(OmsService service, MigrationTask task, CutOverOptions options, CutOverState? resumed,
        CancellationToken cancellationToken)
    {
        if (options.QuietSeconds is < 1 or > 3600)
            throw new OmsException("InvalidQuietSeconds", OmsErrorKind.InvalidArgument, task.Name,
                $"-QuietSeconds is {options.QuietSeconds}; give the seconds (1 to 3600) the source must write nothing before the switch.");
        if (!task.MigrationTypes.HasFlag(MigrationTypes.Incremental))
            throw new OmsException("TaskNotIncremental", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' has no incremental synchronization: its triggers, events, versioning and counters are completed when its copy ends, " +
                "so there is nothing to switch over.");
        if (service.DataSources.Get(task.Target).Kind == DataSourceKind.Kafka)
            throw new OmsException("CutOverNotSupported", OmsErrorKind.NotSupported, task.Name,
                $"Task '{task.Name}' streams changes to Kafka data source '{task.Target}': there is no target database to switch applications to. " +
                "Stop the task (Stop-OmsTask) when its consumers no longer need the stream.");
        if (options.StartReverse && task.Topology != Topology.Bidirectional)
            throw new OmsException("TaskNotBidirectional", OmsErrorKind.InvalidState, task.Name,
                $"Task '{task.Name}' is one-way, so it has no reverse direction for -StartReverse to start. Leave -StartReverse out, " +
                "or create the task with New-OmsTask -Topology Bidirectional.");
        var stopping = resumed?.Steps.FirstOrDefault(s => s.Step == CutOverStep.StopForward)?.Status ?? CutOverStepStatus.Pending;
        if (stopping == CutOverStepStatus.Pending && !options.Force)
            CutOverRunner.EnsureForwardIncremental(service, task);

        var pairing = new Pairing(service.Store, task, _ => { });
        var tables = await pairing.ResolveSourceAsync(cancellationToken).ConfigureAwait(false);
        var objects = await pairing.Objects().PlanAsync(tables, cancellationToken).ConfigureAwait(false);
        if (options.StartReverse && tables.Tables.Select(t => TableFeatures.ReverseProblem(t.Schema)).FirstOrDefault(p => p is not null) is { } reverse)
            throw new OmsException("ReverseNotPossible", OmsErrorKind.NotSupported, task.Name, reverse);

        string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
        int Of(StoredObjectKind kind) => objects.Of(kind).Count();
        var versioned = tables.Tables.Where(t => t.Schema.Versioning is not null).Select(t => t.Mapping.Target).ToList();
        var counters = tables.Tables.Count(t => t.Schema.Columns.Any(c => c.AutoIncrement));
        var lines = new List<string>();
        foreach (var step in options.Steps)
        {
            if (resumed?.Steps.FirstOrDefault(s => s.Step == step) is { Status: CutOverStepStatus.Done or CutOverStepStatus.Skipped }) continue;
            lines.Add(step switch
            {
                CutOverStep.QuietCheck => options.Force
                    ? "skip the check that the source has stopped writing (-Force)"
                    : $"check that the source commits nothing on the task's {Count(tables.Tables.Count, "table")} for {options.QuietSeconds} s",
                CutOverStep.StopForward => $"let the forward direction apply everything '{task.Source}' committed, stop it there and record the position",
                CutOverStep.Verify => $"verify every row of the {Count(tables.Tables.Count, "table")} once more",
                CutOverStep.Versioning => versioned.Count == 0 ? "system versioning: no system-versioned table" : $"add system versioning to {string.Join(", ", versioned)}",
                CutOverStep.Programs => $"create {Count(Of(StoredObjectKind.Procedure) + Of(StoredObjectKind.Function), "routine")}, {Count(Of(StoredObjectKind.Trigger), "trigger")} " +
                                        $"and {Count(Of(StoredObjectKind.Event), "event")} as on the source, events enabled as there",
                CutOverStep.Counters => $"move {Count(counters, "AUTO_INCREMENT counter")} and {Count(Of(StoredObjectKind.Sequence), "sequence")} past what the source handed out",
                CutOverStep.RetireSource => $"drop the {Count(Of(StoredObjectKind.Trigger), "trigger")} from '{task.Source}' and set its {Count(Of(StoredObjectKind.Event), "event")} " +
                                            "to DISABLE ON SLAVE, so that they do not act again on what the reverse direction writes (the cut-over's record keeps how to restore them)",
                CutOverStep.StartReverse => $"start the reverse direction ('{task.Target}' -> '{task.Source}')",
                _ => step.ToString(),
            });
        }
        return lines;
    }
}
