using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace OmsSync.Shell.Execution;

/// <summary>Prints a terminating error in the engine's error view, or as "command: message" when that fails.</summary>
internal static class ErrorPrinter
{
    public static void Print(Runspace runspace, PSHostUserInterface ui, ErrorRecord record)
    {
        try
        {
            var pipeline = runspace.CreatePipeline();
            pipeline.Commands.Add("Out-Default");
            pipeline.Invoke(new[] { PSObject.AsPSObject(record) });
        }
        catch (RuntimeException)
        {
            ui.WriteErrorLine(Describe(record));
        }
    }

    public static string Describe(ErrorRecord record)
    {
        string message = record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString();
        string? command = record.InvocationInfo?.MyCommand?.Name;
        return string.IsNullOrEmpty(command) ? message : $"{command}: {message}";
    }
}
