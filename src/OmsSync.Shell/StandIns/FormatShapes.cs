using System.Management.Automation;
using System.Reflection;
using Microsoft.PowerShell.Commands.Internal.Format;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// The engine carries the whole formatter of Format-Table and Format-List; only the two
/// small cmdlet classes live in the missing Utility module. Each stand-in selects the
/// engine's shape the way those classes do, by setting the formatter's inner command.
/// </summary>
internal static class FormatShapes
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    public static void Use(FrontEndCommandBase command, string shape)
    {
        Assembly engine = typeof(FrontEndCommandBase).Assembly;
        Type innerType = engine.GetType("Microsoft.PowerShell.Commands.Internal.Format.InnerFormatShapeCommand", throwOnError: true)!;
        Type shapeType = engine.GetType("Microsoft.PowerShell.Commands.Internal.Format.FormatShape", throwOnError: true)!;
        object inner = Activator.CreateInstance(innerType, Instance, binder: null, [Enum.Parse(shapeType, shape)], culture: null)!;
        FieldInfo field = typeof(FrontEndCommandBase).GetField("implementation", Instance)
            ?? throw new MissingFieldException(nameof(FrontEndCommandBase), "implementation");
        field.SetValue(command, inner);
    }

    /// <summary>True when this engine build has the members <see cref="Use"/> needs.</summary>
    public static bool Available()
    {
        try
        {
            Use(new FormatTableCommand(), "Table");
            return true;
        }
        catch (Exception e) when (e is TypeLoadException or MissingMemberException or ArgumentException or TargetInvocationException)
        {
            return false;
        }
    }
}
