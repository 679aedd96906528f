BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsAlert' {
    Test-CmdletContract Get-OmsAlert -Parameters Name, Kind, Active -ByPropertyName Name

    Context 'reading' -Tag Integration {
        It 'reports an unknown task (TaskNotFound) and returns nothing for a task without alerts' {
            Get-OmsAlert no-such-task -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            $t = New-TestTask
            try { Get-OmsAlert $t.Task | Should -BeNullOrEmpty } finally { Remove-TestTask $t }
        }
    }
}
