using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;
using OmsSync.Shell.Hosting;

namespace OmsSync.Shell.Execution;

/// <summary>Prints a terminating error in the engine's error view, or as "command: message" when that fails.</summary>
internal static class ErrorPrinter
{
    public static void Print(Runspace runspace, ShellConsole console, PSHostUserInterface ui, ErrorRecord record, Exception thrown)
    {
        // The error view renders parse errors of text that is not a file as an empty line: name each error here.
        if (thrown is ParseException parse)
        {
            if (parse.Errors is not { Length: > 0 } errors)
            {
                ui.WriteErrorLine($"ParserError: {parse.Message}");
                return;
            }

            foreach (var error in errors)
            {
                string file = error.Extent.File is { } path ? $"{path}:" : string.Empty;
                ui.WriteErrorLine($"ParserError: {file}{error.Extent.StartLineNumber}:{error.Extent.StartColumnNumber}: {error.Message}");
            }

            return;
        }

        try
        {
            // Out-Default renders the record in the error view, but to the output: capture it for standard error.
            var text = new StringBuilder();
            using (console.Capture(text))
            {
                var pipeline = runspace.CreatePipeline();
                pipeline.Commands.Add("Out-Default");
                pipeline.Invoke(new[] { record });
            }

            ui.WriteErrorLine(text.ToString().Trim('\n', '\r'));
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
