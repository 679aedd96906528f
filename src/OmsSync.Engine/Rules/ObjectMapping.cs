namespace OmsSync.Engine.Rules;

/// <summary>What <see cref="ObjectMapper.Map"/> found: the selected objects with their target names, and the rules' problems.</summary>
public sealed class ObjectMapping
{
    internal ObjectMapping(IReadOnlyList<MappedObject> objects, IReadOnlyList<RuleProblem> problems)
    {
        Objects = objects;
        Problems = problems;
    }

    /// <summary>Selected objects in source order.</summary>
    public IReadOnlyList<MappedObject> Objects { get; }
    public IReadOnlyList<RuleProblem> Problems { get; }
    public bool IsValid => Problems.All(p => !p.Blocking);

    /// <summary>The target name of a selected source object, or null when it is not selected.</summary>
    public ObjectName? TargetOf(ObjectName source) => Objects.FirstOrDefault(o => o.Source == source)?.Target;

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing the blocking problems.</summary>
    public ObjectMapping EnsureValid()
    {
        var blocking = Problems.Where(p => p.Blocking).Select(p => p.Message).ToList();
        if (blocking.Count > 0)
            throw new InvalidOperationException(string.Join(Environment.NewLine, blocking));
        return this;
    }
}
