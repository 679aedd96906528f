namespace OmsSync.Engine.Schema;

/// <summary>Schema migration cannot proceed: an unsupported type, an incompatible target table, a bad column subset.</summary>
public sealed class SchemaException : Exception
{
    public SchemaException(string message) : base(message) => Problems = [message];

    public SchemaException(string message, Exception inner) : base(message, inner) => Problems = [message];

    public SchemaException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : string.Join(Environment.NewLine, problems.Prepend($"{problems.Count} schema problems:")))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one message each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
