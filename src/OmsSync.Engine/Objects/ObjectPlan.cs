using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Objects;

/// <summary>
/// Which of the source's objects beyond tables a task carries, under which target names and when, and which it leaves
/// behind and why. Routines, events and sequences are selected by the task's include and exclude rules and renamed by
/// its renames, like tables (each kind in its own namespace); a trigger goes with its table.
/// </summary>
public sealed class ObjectPlan
{
    private readonly ObjectMapping _tables;
    // Sequences a body may name like tables (NEXTVAL(db.s)), and routines it may call qualified (db.f(x), CALL db.p()).
    private readonly IReadOnlyDictionary<ObjectName, ObjectName> _sequences, _routines;

    private ObjectPlan(IReadOnlyList<PlannedObject> moved, IReadOnlyList<LeftBehindObject> leftBehind, ObjectMapping tables)
    {
        Moved = moved;
        LeftBehind = leftBehind;
        _tables = tables;
        _sequences = Names(moved.Where(m => m.Source.Kind == StoredObjectKind.Sequence));
        _routines = Names(moved.Where(m => m.Source.Kind is StoredObjectKind.Function or StoredObjectKind.Procedure));
    }

    public IReadOnlyList<PlannedObject> Moved { get; }
    public IReadOnlyList<LeftBehindObject> LeftBehind { get; }

    public IEnumerable<PlannedObject> Of(StoredObjectKind kind) => Moved.Where(m => m.Source.Kind == kind);

    /// <summary>A table, view or sequence a view's or program's body names, under its target name; null when the task does not rename it.</summary>
    public TableReference? Rename(TableReference source) => Renamed(source, _tables.TargetOf(Name(source)) ?? _sequences.GetValueOrDefault(Name(source)));

    /// <summary>A routine a view's or program's body calls by a qualified name, under its target name; null when not renamed.</summary>
    public TableReference? RenameRoutine(TableReference source) => Renamed(source, _routines.GetValueOrDefault(Name(source)));

    private static ObjectName Name(TableReference reference) => new(reference.Database, reference.Name);

    private static TableReference? Renamed(TableReference source, ObjectName? target) =>
        target is null || target == Name(source) ? null : new TableReference(target.Database, target.Name);

    private static Dictionary<ObjectName, ObjectName> Names(IEnumerable<PlannedObject> moved) =>
        moved.GroupBy(m => new ObjectName(m.Source.Database, m.Source.Name)).ToDictionary(g => g.Key, g => new ObjectName(g.First().TargetDatabase, g.First().TargetName));

    /// <param name="found">The objects of the source databases the task's tables live in.</param>
    /// <param name="refusal">Why the target cannot hold an object, or null.</param>
    public static ObjectPlan Make(IReadOnlyList<StoredObject> found, MigrationTask task, TaskObjects tables, Func<StoredObject, string?> refusal)
    {
        var selected = new List<(StoredObject Object, ObjectName Target, string? Table)>();
        foreach (var kind in found.Where(o => o.Kind != StoredObjectKind.Trigger).GroupBy(o => o.Kind))
        {
            // Each kind is a namespace of its own: a procedure may share a table's name.
            var byName = kind.ToDictionary(o => new ObjectName(o.Database, o.Name));
            var mapping = new ObjectMapper(task.Include, task.Exclude, task.Renames).Map(byName.Keys);
            selected.AddRange(mapping.Objects.Select(m => (byName[m.Source], m.Target, (string?)null)));
        }
        foreach (var trigger in found.Where(o => o.Kind == StoredObjectKind.Trigger))
        {
            var table = trigger switch
            {
                TriggerDefinition t => t.Table,
                ListedObject l => l.Table,
                _ => null,
            };
            if (table is not null && tables.Mapping.TargetOf(new ObjectName(trigger.Database, table)) is { } targetTable)
                selected.Add((trigger, new ObjectName(targetTable.Database, trigger.Name), targetTable.Name));
        }

        var moved = new List<PlannedObject>();
        var leftBehind = new List<LeftBehindObject>();
        foreach (var (source, target, table) in selected)
        {
            var refused = refusal(source);
            if (source is ListedObject || refused is not null)
            {
                leftBehind.Add(new LeftBehindObject(source, refused ?? $"OmsSync does not migrate {source.Kind.ToString().ToLowerInvariant()}s."));
                continue;
            }
            var when = source.Kind == StoredObjectKind.Trigger ? ObjectTiming.CutOver : ObjectTiming.WithSchema;
            moved.Add(new PlannedObject(source, target.Database, target.Name, when, table));
        }
        return new ObjectPlan(moved, leftBehind, tables.Mapping);
    }
}
