using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Objects;
using OmsSync.Engine.Pipeline;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.Engine.MySql.Objects;

namespace OmsSync.Engine.PreCheck;

/// <summary>
/// Pre-checks of a task's objects beyond tables: each object its rules select that the target cannot take (named, with
/// why), what is made with the schema and what waits for cut-over, and each program whose definer the target lacks.
/// </summary>
internal static class StoredObjectChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(StateStore store, MigrationTask task, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var pairing = new Pairing(store, task, _ => { });
        ObjectMigration objects;
        ObjectPlan plan;
        TaskObjects tables;
        try
        {
            tables = await pairing.ResolveSourceAsync(cancellationToken).ConfigureAwait(false);
            objects = pairing.Objects();
            plan = await objects.PlanAsync(tables, cancellationToken).ConfigureAwait(false);
        }
        catch (OmsException e)
        {
            results.Add(CheckResult.Fail("StoredObjects", e.Message, e.Target ?? task.Name));
            return results;
        }
        foreach (var left in plan.LeftBehind)
            results.Add(CheckResult.Warn("ObjectsLeftBehind", $"{Capitalized(left.Source.ToString())} is not migrated: {left.Reason}", left.Source.QualifiedName));

        var withSchema = plan.Moved.Where(m => m.When == ObjectTiming.WithSchema).ToList();
        var atCutOver = plan.Of(StoredObjectKind.Trigger).Count();
        var events = plan.Of(StoredObjectKind.Event).Count();
        var versioned = tables.Tables.Count(t => t.Schema.Versioning is not null);
        var when = task.MigrationTypes.HasFlag(MigrationTypes.Incremental) ? "at cut-over (Switch-OmsTask)" : "when the copy ends";
        if (plan.Moved.Count > 0 || versioned > 0)
            results.Add(CheckResult.Pass("StoredObjects",
                $"{Count(withSchema.Count(m => m.Source is RoutineDefinition), "routine")}, {Count(withSchema.Count(m => m.Source.Kind == StoredObjectKind.Sequence), "sequence")} " +
                $"and {Count(events, "event")} (disabled) come with the schema; {Count(atCutOver, "trigger")}, the events' enabling, " +
                $"system versioning of {Count(versioned, "table")} and every counter (AUTO_INCREMENT, sequences) come {when}, so that nothing acts " +
                "twice on the rows the synchronization writes.", task.Name));

        if (objects.Target is MySqlObjectTarget target)
            foreach (var (session, names) in plan.Moved.Select(m => (Session: Session(m.Source), m.Source)).Where(p => p.Session is not null)
                         .GroupBy(p => p.Session!.Definer).Select(g => (g.First().Session!, g.Select(p => p.Source.ToString()).ToList())))
                if (await target.DefinerExistsAsync(session, cancellationToken).ConfigureAwait(false) is not true)
                    results.Add(CheckResult.Warn("Definer",
                        $"The target has no account {session.Definer}, the definer of {string.Join(", ", names)}: they are created with the task's target user " +
                        $"as definer instead (or create the account on the target first, so they keep it).", session.Definer));
        return results;
    }

    private static ProgramSession? Session(StoredObject source) => source switch
    {
        RoutineDefinition r => r.Session,
        TriggerDefinition t => t.Session,
        EventDefinition e => e.Session,
        _ => null,
    };

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
