namespace OmsSync.Engine.Changes;

/// <summary>
/// A text value a source sends as the bytes it stores, in a character set of its own (a MySQL-family CHAR or TEXT):
/// the pipeline tells such values apart by those bytes, as it does binary values.
/// </summary>
public interface IEncodedText
{
    ReadOnlyMemory<byte> Bytes { get; }
}
