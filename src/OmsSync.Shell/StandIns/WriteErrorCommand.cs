using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Write-Error: writes a non-terminating error.</summary>
[Cmdlet(VerbsCommunications.Write, "Error", DefaultParameterSetName = MessageSet)]
public sealed class WriteErrorCommand : PSCmdlet
{
    private const string MessageSet = "NoException";
    private const string ExceptionSet = "WithException";
    private const string RecordSet = "ErrorRecord";

    [Parameter(ParameterSetName = MessageSet, Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ExceptionSet)]
    [Alias("Msg")]
    [AllowNull]
    [AllowEmptyString]
    public string? Message { get; set; }

    [Parameter(ParameterSetName = ExceptionSet, Mandatory = true)]
    public Exception? Exception { get; set; }

    [Parameter(ParameterSetName = RecordSet, Mandatory = true)]
    public ErrorRecord? ErrorRecord { get; set; }

    [Parameter(ParameterSetName = MessageSet)]
    [Parameter(ParameterSetName = ExceptionSet)]
    public ErrorCategory Category { get; set; } = ErrorCategory.NotSpecified;

    [Parameter(ParameterSetName = MessageSet)]
    [Parameter(ParameterSetName = ExceptionSet)]
    public string? ErrorId { get; set; }

    [Parameter(ParameterSetName = MessageSet)]
    [Parameter(ParameterSetName = ExceptionSet)]
    public object? TargetObject { get; set; }

    [Parameter]
    public string? RecommendedAction { get; set; }

    protected override void ProcessRecord()
    {
        ErrorRecord record = ErrorRecord ?? new ErrorRecord(
            Exception ?? new RuntimeException(Message ?? string.Empty),
            ErrorId ?? "Microsoft.PowerShell.Commands.WriteErrorException",
            Category,
            TargetObject);
        if (Exception is not null && !string.IsNullOrEmpty(Message))
        {
            record.ErrorDetails = new ErrorDetails(Message);
        }

        if (!string.IsNullOrEmpty(RecommendedAction))
        {
            record.ErrorDetails ??= new ErrorDetails(record.Exception.Message);
            record.ErrorDetails.RecommendedAction = RecommendedAction;
        }

        WriteError(record);
    }
}
