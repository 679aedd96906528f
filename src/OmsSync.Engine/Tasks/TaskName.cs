using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Tasks;

/// <summary>The rules task names follow (OMS: 1 to 64 characters, no spaces), and the error that says which one a name breaks.</summary>
public static class TaskName
{
    public const int MaxLength = 64;

    /// <summary>Null when the name is acceptable, else the problem naming the fix.</summary>
    public static OmsException? Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return Invalid(name, "The task name (-Name) is empty. Give -Name a name such as 'shop-to-dr'.");
        if (name.Length > MaxLength)
            return Invalid(name, $"The task name '{name}' has {name.Length} characters; at most {MaxLength} are allowed. Choose a shorter -Name.");
        if (name.Any(char.IsWhiteSpace))
            return Invalid(name, $"The task name '{name}' contains white space, which task names may not. Give -Name with '-' or '_' instead, e.g. " +
                                 $"'{string.Join("-", name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))}'.");
        if (TaskOptionReader.HasWildcard(name))
            return Invalid(name, $"The task name '{name}' contains a wildcard character (* ? [ ]); task names may not. Choose a -Name without them.");
        return null;
    }

    private static OmsException Invalid(string? name, string message) => new("InvalidTaskName", OmsErrorKind.InvalidArgument, name, message);
}
