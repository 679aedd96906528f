using System.Management.Automation.Runspaces;

namespace OmsSync.Shell.Execution;

/// <summary>
/// Turns the text arguments after <c>-File script.ps1</c> into command parameters the way
/// pwsh -File does: <c>-Name</c> is a parameter name (the binder pairs it with the next
/// value unless it names a switch), <c>-Name:value</c> a parameter with its value, where
/// <c>$true</c> and <c>$false</c> become booleans; anything else is a positional value.
/// </summary>
internal static class FileArguments
{
    public static IReadOnlyList<CommandParameter> ToParameters(IEnumerable<string> args)
    {
        var parameters = new List<CommandParameter>();
        string? pending = null;
        foreach (string arg in args)
        {
            if (pending is not null)
            {
                parameters.Add(new CommandParameter(pending, arg));
                pending = null;
                continue;
            }

            if (arg.Length < 2 || arg[0] != '-' || arg == "--")
            {
                parameters.Add(new CommandParameter(null, arg));
                continue;
            }

            int colon = arg.IndexOf(':');
            if (colon < 0)
            {
                parameters.Add(new CommandParameter(arg));
            }
            else if (colon == arg.Length - 1)
            {
                pending = arg[1..colon]; // "-Name:" takes the next argument as its value
            }
            else
            {
                parameters.Add(new CommandParameter(arg[1..colon], ToValue(arg[(colon + 1)..])));
            }
        }

        if (pending is not null)
        {
            parameters.Add(new CommandParameter("-" + pending));
        }

        return parameters;
    }

    private static object ToValue(string text) => text.ToLowerInvariant() switch
    {
        "$true" => true,
        "$false" => false,
        _ => text,
    };
}
