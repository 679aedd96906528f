namespace OmsSync.Engine.Rules;

public enum RuleProblemKind
{
    /// <summary>A pattern or rename key/value that cannot be parsed.</summary>
    InvalidRule,
    /// <summary>An include rule that selects nothing on the source.</summary>
    IncludeMatchesNothing,
    /// <summary>Two source objects would get the same target name.</summary>
    RenameCollision,
    /// <summary>A rename whose source is not among the selected objects (warning).</summary>
    RenameMatchesNothing,
}

/// <summary>A problem with the task's object rules, naming the rule. <see cref="Blocking"/> ones stop the task.</summary>
public sealed record RuleProblem(RuleProblemKind Kind, string Rule, bool Blocking, string Message)
{
    public override string ToString() => Message;
}
