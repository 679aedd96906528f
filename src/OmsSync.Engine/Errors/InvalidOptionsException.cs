namespace OmsSync.Engine.Errors;

/// <summary>
/// Several problems found at once in what was asked for (a task's options, say), each with its own id and
/// message, so that all of them can be fixed in one go. Nothing was stored.
/// </summary>
public sealed class InvalidOptionsException : OmsException
{
    public InvalidOptionsException(string? target, IReadOnlyList<OmsException> problems)
        : base(problems[0].ErrorId, OmsErrorKind.InvalidArgument, target, string.Join(Environment.NewLine, problems.Select(p => p.Message)))
    {
        Problems = problems;
    }

    public IReadOnlyList<OmsException> Problems { get; }
}
