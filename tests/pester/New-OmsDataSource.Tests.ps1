BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'New-OmsDataSource' {
    Test-CmdletContract New-OmsDataSource -Parameters Name, Type, Server, Port, Credential, Database, SecurityProtocol, SaslMechanism, CaCertificate `
        -Mandatory ':Name', ':Type', ':Server' -ByPropertyName Name, Type, Server, Port, Database -ConfirmImpact Low

    Context 'registering' -Tag Integration {
        It 'returns the data source it stored, without its password' {
            $name = New-TestName ds
            $created = New-OmsDataSource $name -Type PostgreSql -Server db.example -Credential (New-TestCredential app pw) -Database shop
            $created.Name | Should -Be $name
            "$($created.Type)" | Should -Be 'PostgreSql'
            $created.Port | Should -Be 5432
            $created.User | Should -Be 'app'
            $created.Database | Should -Be 'shop'
            $created.PSObject.Properties.Name | Should -Not -Contain 'Password'
            (Get-OmsDataSource $name).Endpoint | Should -Be 'db.example:5432'
        }

        It 'takes the default port of type <Type>' -ForEach @(
            @{ Type = 'MySql'; Port = 3306 }, @{ Type = 'MariaDb'; Port = 3306 }, @{ Type = 'OceanBaseMySql'; Port = 2881 },
            @{ Type = 'TiDb'; Port = 4000 }, @{ Type = 'PostgreSql'; Port = 5432 }, @{ Type = 'Kafka'; Port = 9092 }) {
            (New-OmsDataSource (New-TestName ds) -Type $Type -Server h -Credential (New-TestCredential u p)).Port | Should -Be $Port
        }

        It 'binds rows by property name, one data source each' {
            $rows = 1..3 | ForEach-Object { [pscustomobject]@{ Name = (New-TestName csv); Type = 'MySql'; Server = "db$_"; Port = 3300 + $_ } }
            $created = $rows | New-OmsDataSource -Credential (New-TestCredential u p)
            $created.Name | Should -Be $rows.Name
            (Get-OmsDataSource $rows[2].Name).Port | Should -Be 3303
        }

        It 'does not store the password in clear' {
            $password = 'pw-' + [guid]::NewGuid().ToString('N')
            $null = New-OmsDataSource (New-TestName ds) -Type MariaDb -Server h -Credential (New-TestCredential oms $password)
            $needle = [Text.Encoding]::UTF8.GetBytes($password)
            $files = Get-ChildItem $env:OMSSYNC_HOME -Filter 'state.db*'
            $files | Should -Not -BeNullOrEmpty
            foreach ($file in $files) {
                $stream = [IO.FileStream]::new($file.FullName, 'Open', 'Read', 'ReadWrite, Delete')
                try { $bytes = [byte[]]::new($stream.Length); $null = $stream.Read($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
                [Text.Encoding]::Latin1.GetString($bytes).Contains([Text.Encoding]::Latin1.GetString($needle)) | Should -BeFalse -Because "the password must not appear in $($file.Name)"
            }
        }

        It 'registers a Kafka cluster by its bootstrap servers, with SASL over TLS and without a credential otherwise' {
            $name = New-TestName kafka
            $created = New-OmsDataSource $name -Type Kafka -Server 'k1.example:9093, k2.example' -SecurityProtocol SaslSsl -SaslMechanism ScramSha512 -Credential (New-TestCredential cdc pw)
            "$($created.Type)" | Should -Be 'Kafka'
            "$($created.SecurityProtocol)" | Should -Be 'SaslSsl'
            $created.User | Should -Be 'cdc'
            (Get-OmsDataSource $name).Endpoint | Should -Be 'k1.example:9093, k2.example'
            $plain = New-OmsDataSource (New-TestName kafka) -Type Kafka -Server 'k1.example'
            "$($plain.SecurityProtocol)" | Should -Be 'Plaintext'
            $plain.User | Should -Be ''
        }

        It 'loads librdkafka in the module and names the Kafka data source that does not answer' {
            $name = New-TestName kafka
            $null = New-OmsDataSource $name -Type Kafka -Server '127.0.0.1:1'
            $result = Test-OmsDataSource $name -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed.Count + @($result | Where-Object Status -eq 'Fail').Count | Should -BeGreaterThan 0
            "$failed $($result.Message)" | Should -Match "Kafka data source '$name'"
            "$failed $($result.Message)" | Should -Not -Match 'DllNotFound|librdkafka'
        }

        It 'changes nothing with -WhatIf' {
            $name = New-TestName ds
            New-OmsDataSource $name -Type MySql -Server h -Credential (New-TestCredential u p) -WhatIf | Should -BeNullOrEmpty
            Get-OmsDataSource $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'errors' -Tag Integration {
        It 'needs a credential for a database, and for Kafka with SASL (InvalidCredential)' {
            New-OmsDataSource (New-TestName ds) -Type MariaDb -Server h -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredential,*'
            New-OmsDataSource (New-TestName kafka) -Type Kafka -Server h -SecurityProtocol SaslPlaintext -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredential,*'
        }

        It 'refuses Kafka options for a database (KafkaOptionWithoutKafka)' {
            New-OmsDataSource (New-TestName ds) -Type MySql -Server h -Credential (New-TestCredential u p) -SecurityProtocol Ssl -ErrorAction SilentlyContinue -ErrorVariable failed
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'KafkaOptionWithoutKafka,*'
        }

        It 'refuses a name that exists (DataSourceExists, ResourceExists)' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server h -Credential (New-TestCredential u p)
            New-OmsDataSource $name -Type MySql -Server other -Credential (New-TestCredential u p) -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceExists,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
            $e[0].TargetObject | Should -Be $name
            (Get-OmsDataSource $name).Server | Should -Be 'h'
        }

        It 'refuses the name <Bad> (InvalidDataSourceName)' -ForEach @(@{ Bad = 'a*b' }, @{ Bad = ' padded' }) {
            New-OmsDataSource $Bad -Type MySql -Server h -Credential (New-TestCredential u p) -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDataSourceName,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }

        It 'goes on with the next row after a bad one' {
            $good = New-TestName ds
            $rows = [pscustomobject]@{ Name = 'bad*name'; Type = 'MySql'; Server = 'h' }, [pscustomobject]@{ Name = $good; Type = 'MySql'; Server = 'h' }
            $created = $rows | New-OmsDataSource -Credential (New-TestCredential u p) -ErrorVariable e -ErrorAction SilentlyContinue
            $created.Name | Should -Be $good
            $e.Count | Should -Be 1
            $e[0].TargetObject | Should -Be 'bad*name'
        }
    }
}
