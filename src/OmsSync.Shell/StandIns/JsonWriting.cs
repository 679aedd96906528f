using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace OmsSync.Shell.StandIns;

/// <summary>
/// Writes PowerShell values as JSON the way ConvertTo-Json shapes them: dictionaries and
/// objects become JSON objects (an object's properties, or a custom object's note
/// properties), collections arrays; past the depth limit a value is written as its string.
/// </summary>
internal sealed class JsonWriting(Utf8JsonWriter writer, int depth, bool enumsAsStrings)
{
    public void Write(object? value, int level = 0)
    {
        object? raw = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (raw)
        {
            case null:
            case DBNull:
                writer.WriteNullValue();
                return;
            case string or char or Guid or Uri:
                writer.WriteStringValue(raw.ToString());
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case Enum e:
                if (enumsAsStrings) writer.WriteStringValue(e.ToString());
                else writer.WriteNumberValue(Convert.ToInt64(e, CultureInfo.InvariantCulture));
                return;
            case ulong big:
                writer.WriteNumberValue(big);
                return;
            case decimal exact:
                writer.WriteNumberValue(exact);
                return;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(raw, CultureInfo.InvariantCulture));
                return;
            case float or double:
                double d = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                if (double.IsFinite(d)) writer.WriteNumberValue(d);
                else writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                return;
            case DateTime time:
                writer.WriteStringValue(time.ToString("o", CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset offset:
                writer.WriteStringValue(offset.ToString("o", CultureInfo.InvariantCulture));
                return;
        }

        if (level > depth)
        {
            writer.WriteStringValue(raw.ToString());
            return;
        }

        switch (raw)
        {
            case IDictionary table:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in table)
                {
                    writer.WritePropertyName(entry.Key.ToString() ?? string.Empty);
                    Write(entry.Value, level + 1);
                }

                writer.WriteEndObject();
                return;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (object? item in items)
                {
                    Write(item, level + 1);
                }

                writer.WriteEndArray();
                return;
        }

        var source = PSObject.AsPSObject(value);
        IEnumerable<PSPropertyInfo> properties = raw is PSCustomObject
            ? source.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty)
            : source.Properties.Where(p => p.IsGettable && p.MemberType is PSMemberTypes.Property or PSMemberTypes.NoteProperty);
        writer.WriteStartObject();
        foreach (var property in properties)
        {
            writer.WritePropertyName(property.Name);
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (GetValueException)
            {
                propertyValue = null;
            }

            Write(propertyValue, level + 1);
        }

        writer.WriteEndObject();
    }
}
