BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Set-OmsDataSource' {
    Test-CmdletContract Set-OmsDataSource -Parameters Name, Type, Server, Port, Credential, Database, SecurityProtocol, SaslMechanism, CaCertificate, PassThru `
        -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact Medium

    Context 'changing' -Tag Integration {
        It 'changes server, port and database from the pipeline' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type PostgreSql -Server db.example -Credential (New-TestCredential app pw) -Database shop
            $changed = Get-OmsDataSource $name | Set-OmsDataSource -Server 10.0.0.9 -Port 6543 -Database '' -PassThru -Confirm:$false
            $changed.Server | Should -Be '10.0.0.9'
            $changed.Port | Should -Be 6543
            $changed.Database | Should -BeNullOrEmpty
            (Get-OmsDataSource $name).Endpoint | Should -Be '10.0.0.9:6543'
        }
        It 'changes the password so that the server accepts it again' {
            $name = New-TestDataSource MariaDbA -Password 'not-the-password'
            Test-OmsDataSource $name -ErrorAction SilentlyContinue -ErrorVariable e | Out-Null
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            Set-OmsDataSource $name -Credential (New-TestCredential) -Confirm:$false
            (Test-OmsDataSource $name | Where-Object Check -eq Connectivity).Status | Should -Be 'Pass'
        }
        It 'changes nothing with -WhatIf' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server before -Credential (New-TestCredential u p)
            Set-OmsDataSource $name -Server after -WhatIf
            (Get-OmsDataSource $name).Server | Should -Be 'before'
        }
        It 'refuses a credential without a user (InvalidCredential)' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server h -Credential (New-TestCredential u p)
            $empty = [pscredential]::new(' ', [Net.NetworkCredential]::new('', 'x').SecurePassword)
            Set-OmsDataSource $name -Credential $empty -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredential,*'
            (Get-OmsDataSource $name).User | Should -Be 'u'
        }
        It 'changes how a Kafka data source is reached, and asks for a user when SASL comes in' {
            $name = New-TestName kafka
            $null = New-OmsDataSource $name -Type Kafka -Server 'k1.example:9093'
            Set-OmsDataSource $name -SecurityProtocol SaslSsl -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCredential,*'
            "$((Get-OmsDataSource $name).SecurityProtocol)" | Should -Be 'Plaintext'
            $ca = Join-Path $TestDrive 'ca.pem'
            $changed = Set-OmsDataSource $name -SecurityProtocol SaslSsl -SaslMechanism ScramSha256 -CaCertificate $ca -Credential (New-TestCredential cdc pw) -PassThru -Confirm:$false
            "$($changed.SecurityProtocol) $($changed.User)" | Should -Be 'SaslSsl cdc'
            $kept = Get-OmsDataSource $name
            "$($kept.SecurityProtocol) $($kept.SaslMechanism) $($kept.CaCertificate)" | Should -Be "SaslSsl ScramSha256 $ca"
            Set-OmsDataSource $name -SecurityProtocol Ssl -CaCertificate '' -Confirm:$false
            $back = Get-OmsDataSource $name
            "$($back.SecurityProtocol)" | Should -Be 'Ssl'
            $back.CaCertificate | Should -BeNullOrEmpty
        }
        It 'refuses Kafka settings for a database and changes nothing (KafkaOptionWithoutKafka)' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server before -Credential (New-TestCredential u p)
            Set-OmsDataSource $name -Server after -SecurityProtocol Ssl -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'KafkaOptionWithoutKafka,*'
            (Get-OmsDataSource $name).Server | Should -Be 'before'
        }
        It 'reports an unknown name and goes on with the next' {
            $name = New-TestName ds
            $null = New-OmsDataSource $name -Type MySql -Server h -Credential (New-TestCredential u p)
            'no-such-source', $name | Set-OmsDataSource -Server moved -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DataSourceNotFound,*'
            $e[0].TargetObject | Should -Be 'no-such-source'
            (Get-OmsDataSource $name).Server | Should -Be 'moved'
        }
    }
}
