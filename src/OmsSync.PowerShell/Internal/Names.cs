using System.Management.Automation;

namespace OmsSync.PowerShell.Internal;

/// <summary>The rules object names follow, and the errors that say which rule a name breaks.</summary>
internal static class Names
{
    /// <summary>OMS limits task names to 64 characters.</summary>
    public const int MaxTaskNameLength = 64;

    /// <summary>Null when the data source name is acceptable, else the error naming the fix.</summary>
    public static ErrorRecord? CheckDataSourceName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return OmsErrors.InvalidArgument("InvalidDataSourceName", "Name", name, "The data source name is empty. Give -Name a name such as 'shop-primary'.");
        if (NameFilter.HasWildcard(name))
            return OmsErrors.InvalidArgument("InvalidDataSourceName", "Name", name,
                $"The data source name '{name}' contains a wildcard character (* ? [ ]); names may not, so that -Name patterns stay unambiguous. Choose a name without them.");
        if (name != name.Trim())
            return OmsErrors.InvalidArgument("InvalidDataSourceName", "Name", name, $"The data source name '{name}' starts or ends with white space. Remove it.");
        return null;
    }

    /// <summary>Null when the task name is acceptable (OMS rules: 1 to 64 characters, no spaces), else the error.</summary>
    public static ErrorRecord? CheckTaskName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return OmsErrors.InvalidArgument("InvalidTaskName", "Name", name, "The task name (-Name) is empty. Give -Name a name such as 'shop-to-dr'.");
        if (name.Length > MaxTaskNameLength)
            return OmsErrors.InvalidArgument("InvalidTaskName", "Name", name,
                $"The task name '{name}' has {name.Length} characters; at most {MaxTaskNameLength} are allowed. Choose a shorter -Name.");
        if (name.Any(char.IsWhiteSpace))
            return OmsErrors.InvalidArgument("InvalidTaskName", "Name", name,
                $"The task name '{name}' contains white space, which task names may not. Give -Name with '-' or '_' instead, e.g. '{string.Join("-", name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))}'.");
        if (NameFilter.HasWildcard(name))
            return OmsErrors.InvalidArgument("InvalidTaskName", "Name", name,
                $"The task name '{name}' contains a wildcard character (* ? [ ]); task names may not. Choose a -Name without them.");
        return null;
    }
}
