using System.Text.RegularExpressions;

namespace OmsSync.Shell.Hosting;

/// <summary>ANSI escape sequences: removing them from text bound for a file or pipe, and coloring text for a terminal.</summary>
internal static partial class AnsiText
{
    public const string Reset = "\e[0m";

    // CSI sequences (colors, cursor moves) and OSC sequences (titles, hyperlinks).
    [GeneratedRegex(@"\e\[[0-9;?]*[ -/]*[@-~]|\e\][^\a\e]*(?:\a|\e\\)|\e[@-Z\\-_]")]
    private static partial Regex EscapeSequence();

    public static string Strip(string text) =>
        text.Contains('\e') ? EscapeSequence().Replace(text, string.Empty) : text;

    /// <summary>The SGR sequence that sets a console color as foreground (or background).</summary>
    public static string Color(ConsoleColor color, bool background)
    {
        // ConsoleColor numbers the dark colors 0-7 in Windows' BGR order; ANSI numbers them in RGB order.
        int[] ansiIndex = [0, 4, 2, 6, 1, 5, 3, 7];
        int value = (int)color;
        int code = (value < 8 ? 30 + ansiIndex[value] : 90 + ansiIndex[value - 8]) + (background ? 10 : 0);
        return $"\e[{code}m";
    }
}
