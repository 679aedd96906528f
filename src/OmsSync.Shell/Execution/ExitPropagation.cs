using System.Management.Automation.Runspaces;
using System.Reflection;

namespace OmsSync.Shell.Execution;

/// <summary>
/// Makes <c>exit N</c> inside a script file end the whole run with code N, as pwsh -File
/// does. The engine only offers this switch internally (pwsh sets it on its own runspace),
/// so it is set by reflection; when that fails, the script's $LASTEXITCODE is used instead.
/// </summary>
internal static class ExitPropagation
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <returns>True when script exits now reach the host.</returns>
    public static bool TryEnable(Runspace runspace)
    {
        try
        {
            object? context = runspace.GetType().GetProperty("ExecutionContext", Instance)?.GetValue(runspace);
            PropertyInfo? rethrow = context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", Instance);
            if (context is null || rethrow is null)
            {
                return false;
            }

            rethrow.SetValue(context, true);
            return true;
        }
        catch (Exception e) when (e is TargetInvocationException or MemberAccessException or ArgumentException)
        {
            return false;
        }
    }
}
